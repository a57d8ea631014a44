import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// Who holds this M-Pesa number? The answer comes to callBackUrl, and
// from GET /v1/account/query by the systemTraceAuditNumber you chose.
const { systemTraceAuditNumber, message } = await unwrap(
  pay.POST("/v1/account/validate", {
    body: {
      type: 1, // 1 mobile, 2 bank
      systemTraceAuditNumber: crypto.randomUUID(),
      primaryAccountNumber: "254712345678",
      institutionCode: "63902", // Safaricom
      callBackUrl: "https://merchant.example.com/almara/validations",
      callBackFormat: "JSON",
    },
  }),
);
console.log(`${message} (${systemTraceAuditNumber})`);
