import { createAlmaraPay } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const { data, error, response } = await pay.GET("/api_health_check");
console.log(error ? `unhealthy: ${response.status}` : `healthy: ${JSON.stringify(data)}`);
