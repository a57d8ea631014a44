import {
  createAlmaraPay,
  originatorConversationIdOf,
  unwrap,
} from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// The SDK names the purchase (originatorConversationId) and never
// buys twice.
const result = await pay.POST("/v1/airtime-purchase", {
  body: {
    callBackUrl: "https://merchant.example.com/almara/airtime",
    recipients: [
      { phoneNumber: "254710000000", currencyCode: "KES", amount: 100 },
    ],
  },
});
const { message } = await unwrap(result);
console.log(
  `${message.remarks}: ${originatorConversationIdOf(result)}`,
);
