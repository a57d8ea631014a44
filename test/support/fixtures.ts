/** Request bodies the suites share. */

/** A complete bill payment (transactionType 2). */
export const billPayment = {
  ServiceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7",
  accountNumber: "1111111",
  transactionType: 2,
  transactionDesc: "Water bill",
  originatorConversationId: "6b1f1f0e-2f55-4c3a-9d0e-8f1a3c2b7d41",
  msisdn: "254710000000",
  amount: 1500,
  customerNames: "IRINA MUTHONI",
  countryCode: "KE",
  currencyCode: "KES",
} as const;

/** A one-line M-Pesa payout over the spec's mobile-money route (originatorConversationId left out). */
export function payout(primaryAccountNumber = "254712345678", amount = 2500) {
  return {
    paymentNotes: "April commission",
    paymentOrderLines: [
      {
        recipient: {
          name: "Amina Otieno",
          phoneNumber: "+254712345678",
          mccmnc: "63902",
          primaryAccountNumber,
          ccy: 404,
          country: "KE",
        },
        transaction: {
          routeId: "9b3f6c1e-2d4a-4f8b-a6e5-7c9d0e1f2a3b",
          channelType: 1,
          amount,
          reference: "COMM-2026-04-017",
        },
      },
    ],
  };
}

/** An express deposit (OriginatorConversationId left out) reporting to `CallBackUrl`. */
export function expressDeposit(CallBackUrl: string, PhoneNumber = "254710000000") {
  return {
    ShortCode: "600980",
    Amount: "1500",
    PhoneNumber,
    TransactionDesc: "Invoice 42",
    CallBackUrl,
    Currency: "KES",
  };
}
