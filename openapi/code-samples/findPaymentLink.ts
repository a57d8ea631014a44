import { createAlmaraPay, isApiError, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const id = process.argv[2]; // the id create-payment-link returned
if (!id) throw new Error("usage: findPaymentLink <paymentLinkId>");

try {
  const link = await unwrap(
    pay.GET("/v1/payment-link/get-payment-link", {
      params: { query: { Id: id } },
    }),
  );
  console.log(`${link.description}: KES ${link.amount}`);
} catch (error) {
  if (isApiError(error) && error.status === 404)
    console.log(`no payment link ${id}`);
  else throw error;
}
