import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// A service's serviceId is the ServiceId a bill payment names.
const services = await unwrap(pay.GET("/v1/bill-services"));
for (const service of services)
  console.log(`${service.serviceName}: ${service.serviceId}`);
