import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const stan = process.argv[2]; // the validation's systemTraceAuditNumber
if (!stan)
  throw new Error(
    "usage: findAccountValidation <systemTraceAuditNumber>",
  );

const result = await unwrap(
  pay.GET("/v1/account/query", { params: { query: { stan } } }),
);
if (result.status !== 4) console.log(`still ${result.statusDesc}`);
else if (result.resultCode === "0")
  console.log(`held by ${result.transactionCreditParty}`);
else console.log(`unknown account: ${result.resultDesc}`);
