import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const link = await unwrap(
  pay.POST("/v1/payment-link/create-payment-link", {
    body: {
      shortCode: "600980",
      firstName: "Amina",
      lastName: "Otieno",
      emailAddress: "amina@example.com",
      accountReference: "INV-2026-0042",
      description: "Invoice 42, April consulting",
      isAmountSpecified: true, // the customer cannot edit the amount
      amount: 2500,
      currency: "KES",
      redirectionSite: "https://merchant.example.com/thanks",
    },
  }),
);
console.log(`payment link ${link.id}: KES ${link.amount}`);
