import { createAlmaraPay, isApiError, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

try {
  const saved = await unwrap(
    pay.GET("/v1/bill-numbers", {
      params: {
        query: {
          serviceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7",
          accountNumber: "1111111",
        },
      },
    }),
  );
  console.log(
    `${saved.accountNumber} belongs to ${saved.customerName}`,
  );
} catch (error) {
  if (isApiError(error) && error.status === 404)
    console.log("not saved yet");
  else throw error;
}
