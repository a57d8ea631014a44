import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const id = process.argv[2]; // the id create-payment-link returned
if (!id) throw new Error("usage: updatePaymentLink <paymentLinkId>");

// Only the fields you send change.
const link = await unwrap(
  pay.PUT("/v1/payment-link/update-payment-link", {
    body: {
      id,
      isAmountSpecified: true,
      amount: 3000,
      description: "Invoice 42, revised",
    },
  }),
);
console.log(`payment link ${link.id} now asks KES ${link.amount}`);
