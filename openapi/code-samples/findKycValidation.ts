import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const stan = process.argv[2]; // the check's systemTraceAuditNumber
if (!stan)
  throw new Error("usage: findKycValidation <systemTraceAuditNumber>");

const check = await unwrap(
  pay.GET("/v1/kyc-request/check-status", {
    params: { query: { stan } },
  }),
);
const record = check.kycRecordDto;
console.log(
  record?.responseCode === "0"
    ? `verified: ${record.kycRequestFullNames}`
    : `${check.statusDesc}: ${record?.responseCodeDesc ?? "no result yet"}`,
);
