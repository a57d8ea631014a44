import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const wallet = await unwrap(
  pay.GET("/v1/customer-accounts/get-wallet-balance-by-id", {
    params: { query: { ccy: 404 } }, // KES
  }),
);
for (const account of wallet.customerAccountBalanceList ?? []) {
  console.log(`${account.message}: KES ${account.balance}`);
}
console.log(`total: KES ${wallet.balance}`);
