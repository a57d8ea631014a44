/**
 * The whole flow against the embedded sandbox: token, routes, bill services, bill validation,
 * bill payment, its callback, the status lookup, a payment link created, found and updated, and a
 * payout with its webhook and lookup, and an express deposit with its two callbacks.
 *
 *   npm run demo
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createAlmaraPay,
  findPaymentOrderOutcome,
  isFinalExpressDepositCallback,
  originatorConversationIdOf,
  parseExpressDepositCallback,
  parsePaymentOrderCallback,
  unwrap,
  type components,
} from "../src/index.js";
import { startSandbox } from "../src/sandbox/index.js";

type BillPaymentStatus = components["schemas"]["BillPaymentStatus"];

function within5s<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no ${what} within 5 s`)), 5000).unref(),
    ),
  ]);
}

function step(name: string, detail: string): void {
  console.log(`${name.padEnd(22)} ${detail}`);
}

/** A local receiver for callbacks: `next()` resolves with the next body, in arrival order. */
async function startCallbackReceiver<T>(path: string): Promise<{
  url: string;
  next(): Promise<T>;
  close(): void;
}> {
  const arrived: T[] = [];
  const waiting: ((value: T) => void)[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      response.writeHead(200).end();
      const value = JSON.parse(body) as T;
      const waiter = waiting.shift();
      if (waiter) waiter(value);
      else arrived.push(value);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    next: () =>
      arrived.length > 0
        ? Promise.resolve(arrived.shift()!)
        : new Promise<T>((resolve) => waiting.push(resolve)),
    close: () => server.close(),
  };
}

const receiver = await startCallbackReceiver<BillPaymentStatus>("/almara/bill-callback");
const webhook = await startCallbackReceiver<unknown>("/almara/payouts");
const deposits = await startCallbackReceiver<unknown>("/almara/deposits");
// The payout webhook URL is a dashboard setting on the real API; the sandbox takes it here.
const sandbox = await startSandbox({ settleDelayMs: 300, webhookUrl: webhook.url });
try {
  console.log(`Almara Pay sandbox at ${sandbox.url}\n`);
  const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });

  await pay.tokenProvider.getToken();
  step("token", "obtained (client credentials, cached and shared by the calls below)");

  const { routes } = await unwrap(pay.GET("/v1/transaction-routes/assigned-routes"));
  step("routes", routes.map((r) => `${r.categoryDescription} ${r.id}`).join(", "));
  const billRoute = routes.find((r) => r.categoryDescription === "Bill Payment");

  const services = await unwrap(pay.GET("/v1/bill-services"));
  step("bill services", services.map((s) => `${s.serviceName} (${s.serviceCode})`).join(", "));
  const water = services.find((s) => s.serviceCode === "KE-NAIROBI-WATER");
  if (!water) throw new Error("the sandbox has no Nairobi Water service");

  const validation = await unwrap(
    pay.POST("/v1/bill-payments", {
      body: { transactionType: 3, ServiceId: water.serviceId, accountNumber: "1111111" },
    }),
  );
  const due = validation.message.dueAmount ?? 0;
  step(
    "bill validation",
    `account 1111111 → ${validation.message.accountCustomerName}, due KES ${due}`,
  );

  const originatorConversationId = randomUUID();
  const payment = await unwrap(
    pay.POST("/v1/bill-payments", {
      body: {
        transactionType: 2,
        ...(billRoute ? { routeId: billRoute.id } : {}),
        ServiceId: water.serviceId,
        accountNumber: "1111111",
        originatorConversationId,
        msisdn: "254710000000",
        amount: due,
        transactionDesc: "Water bill",
        customerNames: validation.message.accountCustomerName ?? "IRINA MUTHONI",
        countryCode: "KE",
        currencyCode: "KES",
        callBackUrl: receiver.url,
      },
    }),
  );
  step(
    "bill payment",
    `${payment.message.remarks} (originatorConversationId ${originatorConversationId})`,
  );

  const callback = await within5s(receiver.next(), "bill-payment callback");
  step("callback received", `${callback.statusDescription}, receipt ${callback.receiptNumber}`);

  const status = await unwrap(
    pay.GET("/v1/bill-payments", {
      params: { query: { OriginatorConversationId: originatorConversationId } },
    }),
  );
  step(
    "status lookup",
    `${status.transactionStatusDescription}, KES ${status.amount} paid ${status.datePaymentReceived}`,
  );

  const link = await unwrap(
    pay.POST("/v1/payment-link/create-payment-link", {
      body: {
        shortCode: "600980",
        firstName: "Amina",
        lastName: "Otieno",
        description: "Invoice 42, April consulting",
        isAmountSpecified: true,
        amount: 2500,
        currency: "KES",
      },
    }),
  );
  if (!link.id) throw new Error("the sandbox returned no payment link id");
  step("payment link created", `${link.id}: KES ${link.amount} for "${link.description}"`);
  const found = await unwrap(
    pay.GET("/v1/payment-link/get-payment-link", { params: { query: { Id: link.id } } }),
  );
  step("payment link found", `${found.id}: KES ${found.amount}`);
  const updated = await unwrap(
    pay.PUT("/v1/payment-link/update-payment-link", { body: { id: link.id, amount: 3000 } }),
  );
  step("payment link updated", `${updated.id}: KES ${updated.amount}`);

  const mobileRoute = routes.find((r) => r.categoryDescription === "Mobile Money");
  if (!mobileRoute) throw new Error("the sandbox has no mobile-money route");
  const payoutResult = await pay.POST("/v1/payment-order/new-order", {
    body: {
      paymentNotes: "April commission",
      paymentOrderLines: [
        {
          recipient: {
            name: "Amina Otieno",
            phoneNumber: "+254712345678",
            mccmnc: "63902",
            primaryAccountNumber: "254712345678",
            ccy: 404,
            country: "KE",
          },
          transaction: {
            routeId: mobileRoute.id,
            channelType: mobileRoute.channelTypes?.[0]?.channelType ?? 1,
            amount: 2500,
            reference: "COMM-2026-04-017",
          },
        },
      ],
    },
  });
  const accepted = await unwrap(payoutResult);
  const payoutId = originatorConversationIdOf(payoutResult)!;
  step("payout sent", `KES 2500 to 254712345678: ${accepted.message.remarks} (${payoutId})`);
  const result = parsePaymentOrderCallback(await within5s(webhook.next(), "payout webhook"));
  const outcome = result.orderLines[0]?.transactionOutcome;
  step(
    "payout webhook",
    `${outcome?.transactionStatusDescription}, result ${outcome?.resultCode} (${outcome?.resultCodeDescription}), tracking ${outcome?.trackingNumber}`,
  );
  const settled = await findPaymentOrderOutcome(pay, payoutId);
  step("payout lookup", settled.state);

  const depositResult = await pay.POST("/v1/express-deposit", {
    body: {
      ShortCode: "600980",
      Amount: 1500,
      PhoneNumber: "254710000000",
      AccountNo: "INV-2026-0042",
      TransactionDesc: "Invoice 42",
      CallBackUrl: deposits.url,
      Currency: "KES",
    },
  });
  const depositId = originatorConversationIdOf(depositResult)!;
  step("express deposit", `${(await unwrap(depositResult)).message.remarks} (${depositId})`);
  const first = parseExpressDepositCallback(await within5s(deposits.next(), "STK callback"));
  if (isFinalExpressDepositCallback(first)) throw new Error("the STK result came second");
  step("deposit callback 1", `STK result ${first.Body.StkCallback.ResultCode} (not final)`);
  const second = parseExpressDepositCallback(await within5s(deposits.next(), "C2B IPN"));
  if (!isFinalExpressDepositCallback(second)) throw new Error("no final C2B IPN");
  step(
    "deposit callback 2",
    `C2B IPN (final): KES ${second.PaymentAmount} received, receipt ${second.Thirdpartyreceiptnumber}`,
  );

  console.log(
    `\nDone: ${sandbox.requests.length} requests, ${sandbox.requests.filter((r) => r.path === "/connect/token").length} token request.`,
  );
} finally {
  receiver.close();
  webhook.close();
  deposits.close();
  await sandbox.close();
}
