/**
 * Paying a bill from a Node script: validate the account, pay what is due, and settle any doubt
 * about the outcome by the same-id rule: look the payment up, and send it again only with the same
 * originatorConversationId, which the API refuses as a duplicate if the first send landed.
 *
 *   ALMARA_BASE_URL=… ALMARA_CLIENT_ID=… ALMARA_CLIENT_SECRET=… \
 *     npx tsx examples/pay-bill.ts <serviceId> <accountNumber> <msisdn> [callBackUrl]
 *
 * Against the sandbox (`npx almara-pay-sandbox` prints the credentials), Nairobi Water account
 * 1111111 pays and 2222222 is declined.
 */
import {
  createAlmaraPay,
  findPaymentOutcome,
  isAmbiguousOutcomeError,
  isApiError,
  isDuplicateIdError,
  unwrap,
} from "almara-pay";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const [serviceId, accountNumber, msisdn, callBackUrl] = process.argv.slice(2);
if (!serviceId || !accountNumber || !msisdn) {
  console.error("usage: pay-bill <serviceId> <accountNumber> <msisdn> [callBackUrl]");
  process.exit(2);
}

const pay = createAlmaraPay({
  baseUrl: required("ALMARA_BASE_URL"),
  clientId: required("ALMARA_CLIENT_ID"),
  clientSecret: required("ALMARA_CLIENT_SECRET"),
});

async function main(): Promise<number> {
  // 1. Validation (transactionType 3): is the account real, who holds it, what is due?
  const validation = await pay.POST("/v1/bill-payments", {
    body: { transactionType: 3, ServiceId: serviceId!, accountNumber: accountNumber! },
  });
  if (validation.error) {
    console.error(`Cannot pay account ${accountNumber}: ${JSON.stringify(validation.error)}`);
    return 1;
  }
  const account = validation.data.message;
  const amount = account.dueAmount ?? 0;
  console.log(`Account ${accountNumber}: ${account.accountCustomerName}, KES ${amount} due`);
  if (amount <= 0) return 0;

  // 2. Payment (transactionType 2), under an id chosen once for this payment (keep it with your
  //    order): every send of it carries the same id, so the API pays it at most once.
  const id = globalThis.crypto.randomUUID();
  const body = {
    transactionType: 2,
    originatorConversationId: id,
    ServiceId: serviceId!,
    accountNumber: accountNumber!,
    amount,
    msisdn: msisdn!,
    transactionDesc: "Bill payment",
    customerNames: account.accountCustomerName ?? "CUSTOMER",
    countryCode: "KE",
    currencyCode: "KES",
    ...(callBackUrl ? { callBackUrl } : {}),
  } as const;
  for (let send = 1; send <= 3; send++) {
    try {
      const { message } = await unwrap(pay.POST("/v1/bill-payments", { body }));
      console.log(`Payment accepted: ${message.remarks} (${id})`);
      break;
    } catch (error) {
      if (isAmbiguousOutcomeError(error) || isDuplicateIdError(error)) {
        // The answer was lost (or the id is taken): ask; if it is not recorded, send it again.
        const outcome = await findPaymentOutcome(pay, id, { waitMs: 60_000 });
        if (outcome.state !== "not-found") break;
        console.error(`${outcome.message}: sending it again`);
        continue;
      }
      if (isApiError(error)) {
        console.error(`Refused, nothing was paid: ${error.message}`);
        return 1;
      }
      throw error; // AuthenticationError or NetworkError: nothing was paid
    }
  }

  // 3. The callback tells the result; without one, ask.
  const outcome = await findPaymentOutcome(pay, id, { waitMs: 30_000 });
  console.log(`Outcome: ${outcome.state}`);
  return outcome.state === "completed" ? 0 : 1;
}

process.exitCode = await main();
