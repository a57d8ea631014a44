import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const id = process.argv[2]; // the deposit's OriginatorConversationId
if (!id)
  throw new Error(
    "usage: findExpressDeposit <originatorConversationId>",
  );

const deposit = await unwrap(
  pay.GET("/v1/express-deposit/check-status", {
    params: { query: { OriginatorConversationId: id } },
  }),
);
if (deposit.resultCode === "0")
  console.log(`paid, receipt ${deposit.mpesaReceiptNumber}`);
else if (deposit.resultCode)
  console.log(`not paid: ${deposit.resultDesc}`);
else console.log("the payer has not answered yet");
