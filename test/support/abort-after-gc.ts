/**
 * A caller's abort must reach a payment whose Request the SDK rebuilt (to add the generated id),
 * even after garbage collection has taken the Request openapi-fetch first built. Run with
 * `node --expose-gc --import tsx`; prints one JSON line per case.
 */
import { createAlmaraPay, isAmbiguousOutcomeError } from "almara-pay";
import { startSandbox } from "almara-pay/sandbox";
import { payout } from "./fixtures.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const sandbox = await startSandbox({ settleDelayMs: 10 });
const posts = () => sandbox.requests.filter((r) => r.operationId === "createPaymentOrder");
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

async function run(name: string, arm: () => void, retry: Record<string, unknown>) {
  const before = posts().length;
  const pay = createAlmaraPay({
    baseUrl: sandbox.url,
    ...sandbox.credentials,
    timeoutMs: 60_000,
    fetch: (request, init) => {
      gc!();
      return globalThis.fetch(request, init);
    },
  });
  arm();
  const controller = new AbortController();
  const call = pay.POST("/v1/payment-order/new-order", {
    body: payout(),
    signal: controller.signal,
    retry,
  });
  await until(() => posts().length > before);
  gc!();
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc!();
  controller.abort(new Error("aborted by the caller"));
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  console.log(
    JSON.stringify({
      name,
      ambiguous: isAmbiguousOutcomeError(error),
      id: isAmbiguousOutcomeError(error) ? error.originatorConversationId : undefined,
      sends: posts().length - before,
    }),
  );
}

try {
  await run(
    "while the answer is awaited",
    () => sandbox.injectFault("createPaymentOrder", { hangMs: 120_000 }),
    {},
  );
  await run(
    "during a backoff wait",
    () => sandbox.injectFault("createPaymentOrder", { status: 503, after: true }),
    { unsafe: true, baseDelayMs: 120_000, maxDelayMs: 120_000 },
  );
} finally {
  await sandbox.close();
}
