import {
  createAlmaraPay,
  findPaymentOrderOutcome,
  isAmbiguousOutcomeError,
  originatorConversationIdOf,
  unwrap,
} from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// routeId and channelType come from
// GET /v1/transaction-routes/assigned-routes.
// No originatorConversationId: the SDK generates one, and never sends
// the payout twice.
try {
  const result = await pay.POST("/v1/payment-order/new-order", {
    body: {
      paymentNotes: "April commission",
      paymentOrderLines: [
        {
          recipient: {
            name: "Amina Otieno",
            phoneNumber: "+254712345678",
            mccmnc: "63902",
            primaryAccountNumber: "254712345678",
            ccy: 404,
            country: "KE",
          },
          transaction: {
            routeId: "9b3f6c1e-2d4a-4f8b-a6e5-7c9d0e1f2a3b",
            channelType: 1,
            amount: 2500,
            reference: "COMM-2026-04-017",
          },
        },
      ],
    },
  });
  const { message } = await unwrap(result);
  console.log(
    `${message.remarks}: ${originatorConversationIdOf(result)}`,
  );
} catch (error) {
  if (!isAmbiguousOutcomeError(error)) throw error;
  // Sent, but the answer was lost: look the payout up, never resend it.
  const outcome = await findPaymentOrderOutcome(
    pay,
    error.originatorConversationId!,
    { waitMs: 60_000 },
  );
  console.log(`the payout is ${outcome.state}`);
}
