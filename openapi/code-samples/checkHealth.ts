import { createAlmaraPay } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// Needs no token. The answer is plain text ("Healthy"): the SDK reads
// it as text.
const { data, response } = await pay.GET("/api_health_check");
console.log(response.ok ? `up: ${data}` : `down: ${response.status}`);
