import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// Remember a customer's account, with a reminder before the due date.
const saved = await unwrap(
  pay.POST("/v1/bill-numbers", {
    body: {
      ServiceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7",
      accountNumber: "1111111",
      phoneNumber: "254710000000",
      transactionDesc: "Home water account",
      RemindMeDueDate: true,
    },
  }),
);
console.log(saved);
