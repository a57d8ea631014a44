import { createAlmaraPay, isApiError, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const id = process.argv[2]; // the payout's originatorConversationId
if (!id)
  throw new Error(
    "usage: rejectPaymentOrder <originatorConversationId>",
  );

// Only a payout that is still Pending or Queued can be stopped.
try {
  const { paymentOrderlines } = await unwrap(
    pay.POST("/v1/payment-order/reject-order", {
      params: { query: { OriginatorConversationId: id } },
    }),
  );
  for (const line of paymentOrderlines) {
    console.log(
      `${line.originatorConversationId}: ${line.transactionStatusDescription}`,
    );
  }
} catch (error) {
  if (isApiError(error)) console.log(`not stopped: ${error.message}`);
  else throw error;
}
