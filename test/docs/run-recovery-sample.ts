/**
 * Runs the README's "same-id rule" sample against the sandbox under the faults it is written for,
 * and prints one JSON line per case: what the sample answered, how many sends the sandbox saw and
 * how many payments it recorded. Run with tsx (which maps "almara-pay" to the sources).
 */
import { randomUUID } from "node:crypto";
import { startSandbox, type Fault } from "almara-pay/sandbox";

const sandbox = await startSandbox({ settleDelayMs: 10 });
process.env.ALMARA_BASE_URL = sandbox.url;
process.env.ALMARA_CLIENT_ID = sandbox.credentials.clientId;
process.env.ALMARA_CLIENT_SECRET = sandbox.credentials.clientSecret;
const { payWaterBill } = await import("./readme-when-things-go-wrong.snippet.js");

const cases: [string, Fault | undefined][] = [
  ["no fault", undefined],
  ["5xx after the payment was recorded", { status: 500, after: true }],
  ["connection reset after it was recorded", { reset: "after" }],
  ["5xx before it was recorded", { status: 503 }],
  ["an empty answer after it was recorded", { empty: true, contentType: null, after: true }],
];
try {
  for (const [name, fault] of cases) {
    const id = randomUUID();
    if (fault) sandbox.injectFault("postBillPayment", fault);
    const answer = await payWaterBill(id, "1111111", 1500, 500);
    await sandbox.settleAll();
    const again = await payWaterBill(id, "1111111", 1500, 500); // the same payment, sent again
    const sends = sandbox.requests.filter(
      (r) => r.method === "POST" && r.originatorConversationId === id,
    ).length;
    const payments = sandbox.transactions().filter((t) => t.originatorConversationId === id);
    console.log(JSON.stringify({ name, answer, again, sends, payments: payments.length }));
  }
} finally {
  await sandbox.close();
}
