import { createAlmaraPay, unwrap } from "almara-pay";
import { createSandbox } from "almara-pay/sandbox";

// No socket: the sandbox is the client's fetch. Callbacks go to your handler, not the network.
const sandbox = createSandbox({
  settleDelayMs: 10,
  deliverCallback: async (request) => {
    console.log("callback for", request.url);
    return new Response(null, { status: 204 });
  },
});
const pay = createAlmaraPay({
  baseUrl: "https://sandbox.almara.test", // any origin: the sandbox answers for it
  ...sandbox.credentials,
  fetch: sandbox.fetch,
});

await unwrap(
  pay.POST("/v1/bill-payments", {
    body: {
      transactionType: 2,
      ServiceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7",
      accountNumber: "1111111",
      amount: 1500,
      msisdn: "254710000000",
      customerNames: "IRINA MUTHONI",
      transactionDesc: "Water bill",
      countryCode: "KE",
      currencyCode: "KES",
      callBackUrl: "https://shop.example/callbacks/bill",
    },
  }),
);
await sandbox.settleAll(); // prints: callback for https://shop.example/callbacks/bill
console.log(sandbox.transactions().length); // 1
await sandbox.close();
