import { createAlmaraPay, findPaymentOrderOutcome } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// The originatorConversationId the payout was sent with.
const id = process.argv[2];
if (!id)
  throw new Error("usage: findPaymentOrder <originatorConversationId>");

// The raw record: every line with its transactionOutcome.
const { data, response } = await pay.GET(
  "/v1/payment-order/check-status",
  {
    params: { query: { Id: id, IdType: "OriginatorConversationId" } },
  },
);
if (!data) throw new Error(`lookup failed with ${response.status}`);
for (const line of data.orderLines) {
  const outcome = line.transactionOutcome;
  console.log(
    `${outcome.transactionStatusDescription} (${outcome.resultCode})`,
  );
}

// Or what it means: paid, failed (and what to do), rejected or pending.
const outcome = await findPaymentOrderOutcome(pay, id);
if (outcome.state !== "not-found") {
  for (const line of outcome.lines) {
    console.log(
      line.state === "failed"
        ? `failed: ${line.result.meaning}, ${line.result.action}`
        : line.state,
    );
  }
}
