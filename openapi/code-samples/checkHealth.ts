import { createAlmaraPay } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// Needs no token. The answer is plain text ("Healthy"), not JSON.
const { data, response } = await pay.GET("/api_health_check", {
  parseAs: "text",
});
console.log(response.ok ? `up: ${data}` : `down: ${response.status}`);
