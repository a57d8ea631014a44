import {
  createAlmaraPay,
  findPaymentOutcome,
  isAmbiguousOutcomeError,
  isApiError,
  unwrap,
} from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

export async function payWaterBill(accountNumber: string, amount: number): Promise<string> {
  try {
    const { message } = await unwrap(
      pay.POST("/v1/bill-payments", {
        body: {
          transactionType: 2, // no originatorConversationId: the SDK generates one
          ServiceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7",
          accountNumber,
          amount,
          msisdn: "254710000000",
          transactionDesc: "Water bill",
          customerNames: "IRINA MUTHONI",
          countryCode: "KE",
          currencyCode: "KES",
        },
      }),
    );
    return `accepted as ${message.originatorConversationId}`;
  } catch (error) {
    if (isAmbiguousOutcomeError(error)) {
      // Sent, but the answer was lost. Never resend under a new id: ask what happened.
      const outcome = await findPaymentOutcome(pay, error.originatorConversationId!, {
        waitMs: 60_000,
      });
      if (outcome.state === "completed") return `paid, receipt ${outcome.record.receiptNumber}`;
      if (outcome.state === "failed")
        return `failed: ${outcome.result.meaning} (${outcome.result.action})`;
      if (outcome.state === "not-found")
        return "never recorded: nothing was paid, safe to try again";
      return "still pending: wait for the callback";
    }
    if (isApiError(error)) return `refused, nothing paid: ${error.message}`;
    throw error; // AuthenticationError, or a NetworkError that proves nothing was sent
  }
}
