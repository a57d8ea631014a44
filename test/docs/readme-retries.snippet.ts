import { createAlmaraPay } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
  retry: { retries: 4, baseDelayMs: 500, maxRetryAfterMs: 10_000 }, // reads: up to 4 retries
});

await pay.GET("/v1/bill-services", { retry: false }); // this call: no retries
await pay.GET("/v1/transaction-routes/assigned-routes", {
  timeoutMs: 60_000,
  retry: { retries: 1 },
});
