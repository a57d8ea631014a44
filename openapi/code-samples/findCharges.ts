import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// A route's transactionTypeId, from
// GET /v1/transaction-routes/assigned-routes.
const charges = await unwrap(
  pay.GET("/v1/charge/fetch-charges", {
    params: {
      query: {
        transactionTypeId: "7a4d2e6f-81c3-4b5a-9e0d-3f2a1b4c5d6e",
      },
    },
  }),
);
for (const charge of charges) {
  console.log(`${charge.chargeName}: KES ${charge.chargeAmount}`);
}
