import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// A route's id is the routeId a bill payment may name.
const { routes } = await unwrap(
  pay.GET("/v1/transaction-routes/assigned-routes"),
);
for (const route of routes)
  console.log(`${route.categoryDescription}: ${route.id}`);
