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

// Prompts the payer's phone. The body is PascalCase, as the API
// has it; the SDK fills in OriginatorConversationId and never
// prompts twice.
const result = await pay.POST("/v1/express-deposit", {
  body: {
    ShortCode: "600980",
    Amount: 1500,
    PhoneNumber: "254710000000",
    AccountNo: "INV-2026-0042",
    TransactionDesc: "Invoice 42",
    CallBackUrl: "https://merchant.example.com/almara/deposits",
    Currency: "KES",
  },
});
const { message } = await unwrap(result);
// Two callbacks follow: the STK result, then (if paid) the final
// C2B IPN.
console.log(
  `${message.remarks}: ${originatorConversationIdOf(result)}`,
);
