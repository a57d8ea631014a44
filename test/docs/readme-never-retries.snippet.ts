import { createAlmaraPay, originatorConversationIdOf } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// Saving a bill number is a POST: resent only if you opt in (it is harmless to repeat).
await pay.POST("/v1/bill-numbers", {
  body: { serviceCode: "KE-ZUKU", accountNumber: "240065" },
  retry: { unsafe: true },
});

// A payment is never resent by default. Keep the id the SDK gave it: it is how you find it again.
const result = await pay.POST("/v1/bill-payments", {
  body: {
    transactionType: 2,
    serviceCode: "KE-ZUKU",
    accountNumber: "240065",
    amount: 3999,
    msisdn: "254710000000",
    transactionDesc: "Zuku, December",
    customerNames: "BENSON OKIORA",
    countryCode: "KE",
    currencyCode: "KES",
  },
});
console.log(originatorConversationIdOf(result));
