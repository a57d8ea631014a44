import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const id = process.argv[2]; // the purchase's originatorConversationId
if (!id)
  throw new Error(
    "usage: findAirtimePurchase <originatorConversationId>",
  );

// The path of this lookup is inferred (x-almara-evidence: inferred).
const purchase = await unwrap(
  pay.GET("/v1/airtime-purchase/check-status", {
    params: { query: { OriginatorConversationId: id } },
  }),
);
for (const r of purchase.recipients) {
  console.log(`${r.phoneNumber}: ${r.statusDescription}`);
}
