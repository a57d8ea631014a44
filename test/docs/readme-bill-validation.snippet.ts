import { createAlmaraPay, isApiError, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!, // your API host, as given at onboarding
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

try {
  const { message } = await unwrap(
    pay.POST("/v1/bill-payments", {
      body: {
        transactionType: 3, // validate the account before paying it
        ServiceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7", // from GET /v1/bill-services
        accountNumber: "1111111",
      },
    }),
  );
  console.log(`Account holder: ${message.accountCustomerName}, amount due: ${message.dueAmount}`);
} catch (error) {
  if (!isApiError(error)) throw error; // AuthenticationError, NetworkError, TimeoutError…
  // A 400 names the bad fields; a business refusal gives its reason.
  console.error(error.message, error.fieldErrors ?? error.reason);
}
