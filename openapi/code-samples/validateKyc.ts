import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// routeId: your KYC route, from
// GET /v1/transaction-routes/assigned-routes.
const { systemTraceAuditNumber } = await unwrap(
  pay.POST("/v1/kyc-request/validate", {
    body: {
      routeId: "4c2e8a1b-3d5f-4e6a-8b7c-9d0e1f2a3b4c",
      kycRequestFirstName: "Irina",
      kycRequestLastName: "Muthoni",
      kycRequestNationalID: "23456789",
      kycRequestReportReason: 1,
      kycRequestCallBackURL: "https://merchant.example.com/almara/kyc",
      systemTraceAuditNumber: crypto.randomUUID(),
    },
  }),
);
console.log(`KYC check ${systemTraceAuditNumber} accepted`);
