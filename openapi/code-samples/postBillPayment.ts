import {
  createAlmaraPay,
  isAmbiguousOutcomeError,
  isApiError,
  unwrap,
} from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// Nairobi Water: a serviceId from GET /v1/bill-services.
const ServiceId = "bc97d2b1-4828-f111-bc5a-0e7d952d79b7";

// 1. Validate the account (transactionType 3): holder and amount due.
const { message: account } = await unwrap(
  pay.POST("/v1/bill-payments", {
    body: { transactionType: 3, ServiceId, accountNumber: "1111111" },
  }),
);
console.log(
  `${account.accountCustomerName} owes KES ${account.dueAmount}`,
);

// 2. Pay it (transactionType 2). The SDK gives the payment an
//    originatorConversationId and never sends it twice; the result
//    arrives later at callBackUrl.
try {
  const { message } = await unwrap(
    pay.POST("/v1/bill-payments", {
      body: {
        transactionType: 2,
        ServiceId,
        accountNumber: "1111111",
        amount: account.dueAmount ?? 0,
        msisdn: "254710000000",
        transactionDesc: "Water bill",
        customerNames: account.accountCustomerName ?? "IRINA MUTHONI",
        countryCode: "KE",
        currencyCode: "KES",
        callBackUrl:
          "https://merchant.example.com/almara/bill-callback",
      },
    }),
  );
  console.log(`accepted: ${message.originatorConversationId}`);
} catch (error) {
  // Sent, but the answer was lost: look it up by its id, never resend.
  if (isAmbiguousOutcomeError(error))
    console.log(`unknown outcome: ${error.originatorConversationId}`);
  else if (isApiError(error))
    console.log(`refused, nothing paid: ${error.message}`);
  else throw error;
}
