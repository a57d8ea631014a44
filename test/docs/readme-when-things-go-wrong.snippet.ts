import {
  createAlmaraPay,
  findPaymentOutcome,
  isAmbiguousOutcomeError,
  isApiError,
  isDuplicateIdError,
  unwrap,
} from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

/**
 * Pays a water bill once, whatever goes wrong. `paymentId` is your id for this one payment: save
 * it with the order before the first send, and use it for every send of the same payment.
 */
export async function payWaterBill(
  paymentId: string,
  accountNumber: string,
  amount: number,
  waitMs = 60_000,
): Promise<string> {
  const body = {
    transactionType: 2,
    originatorConversationId: paymentId, // the same id on every send: the API pays it once
    ServiceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7",
    accountNumber,
    amount,
    msisdn: "254710000000",
    transactionDesc: "Water bill",
    customerNames: "IRINA MUTHONI",
    countryCode: "KE",
    currencyCode: "KES",
  } as const;
  for (let send = 1; send <= 3; send++) {
    try {
      await unwrap(pay.POST("/v1/bill-payments", { body }));
      return `accepted as ${paymentId}: the callback tells the result`;
    } catch (error) {
      if (isAmbiguousOutcomeError(error) || isDuplicateIdError(error)) {
        // Sent but the answer was lost, or the id is already taken: ask what happened.
        const outcome = await findPaymentOutcome(pay, paymentId, { waitMs });
        if (outcome.state === "completed") return `paid, receipt ${outcome.record.receiptNumber}`;
        if (outcome.state === "failed")
          return `failed: ${outcome.result.meaning} (${outcome.result.action})`;
        if (outcome.state === "pending") return "still pending: the callback tells the result";
        continue; // not recorded after waitMs: send it again, with the same id
      }
      if (isApiError(error)) return `refused, nothing paid: ${error.message}`;
      throw error; // AuthenticationError, or a NetworkError that proves nothing was sent
    }
  }
  return `not recorded yet: send ${paymentId} again later, with the same id`;
}
