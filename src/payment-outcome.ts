/**
 * Settling a payment whose outcome is unknown: look it up by its `originatorConversationId`,
 * optionally polling until it is final, and say what it means.
 */
import type { Client } from "openapi-fetch";
import type { AlmaraPayPaths } from "./client.js";
import type { components } from "./generated/schema.js";
import { ApiError } from "./errors.js";
import { requestInfoOf } from "./request-info.js";
import { describeResultCode, type ResultCodeInfo } from "./result-codes.js";

export type BillPaymentRecord = components["schemas"]["BillPaymentStatus"];

export type PaymentOutcome =
  /** The payment went through. */
  | { state: "completed"; record: BillPaymentRecord; result: ResultCodeInfo }
  /** It failed; `result.action` says whether and how to try again. */
  | { state: "failed"; record: BillPaymentRecord; result: ResultCodeInfo }
  /** Accepted and still being processed (after `waitMs`, if polling). */
  | { state: "pending"; record: BillPaymentRecord }
  /** The API has no payment with that id: it was never recorded, so nothing was paid. */
  | { state: "not-found" };

export interface FindPaymentOutcomeOptions {
  /** Poll until the payment is final or this long has passed. @default 0 (look once) */
  waitMs?: number;
  /** Time between polls. @default 1000 */
  intervalMs?: number;
}

/**
 * Looks a bill payment up by its `originatorConversationId` and tells completed, failed, pending
 * or never recorded apart — the way to settle an `AmbiguousOutcomeError` or a callback that never
 * came. Errors other than "not found" are thrown as `ApiError`.
 *
 * @example
 * const outcome = await findPaymentOutcome(pay, error.originatorConversationId, { waitMs: 30_000 });
 * if (outcome.state === "completed") markPaid(outcome.record.receiptNumber);
 */
export async function findPaymentOutcome(
  client: Client<AlmaraPayPaths, "application/json">,
  originatorConversationId: string,
  options: FindPaymentOutcomeOptions = {},
): Promise<PaymentOutcome> {
  return pollOutcome(
    "findPaymentOutcome",
    () =>
      client.GET("/v1/bill-payments", {
        params: { query: { OriginatorConversationId: originatorConversationId } },
      }),
    classify,
    originatorConversationId,
    options,
  );
}

/** A payment is final once it carries a result code: 0 is success, any other a failure. */
function classify(record: BillPaymentRecord): PaymentOutcome {
  if (typeof record.statusCode !== "number") return { state: "pending", record };
  const result = describeResultCode(record.statusCode);
  return { state: result.action === "none" ? "completed" : "failed", record, result };
}

/**
 * Looks a transaction up until `classify` says it is no longer pending or `waitMs` has passed:
 * 404 is "not-found", any other error an `ApiError`. Shared by the bill-payment and payout lookups.
 */
export async function pollOutcome<T, O extends { state: string }>(
  name: string,
  lookUp: () => Promise<{ data?: T; error?: unknown; response: Response }>,
  classifyRecord: (record: T) => O,
  originatorConversationId: string,
  options: FindPaymentOutcomeOptions,
): Promise<O | { state: "not-found" }> {
  const waitMs = options.waitMs ?? 0;
  const intervalMs = options.intervalMs ?? 1000;
  if (!(waitMs >= 0) || !(intervalMs > 0)) {
    throw new RangeError(`almara-pay: ${name} needs waitMs >= 0 and intervalMs > 0`);
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { data, error, response } = await lookUp();
    if (response.status === 404) return { state: "not-found" };
    if (error !== undefined || !data) {
      const { method, path } = requestInfoOf(response);
      throw new ApiError({
        status: response.status,
        statusText: response.statusText,
        method,
        path,
        body: error,
        headers: response.headers,
        originatorConversationId,
      });
    }
    const outcome = classifyRecord(data);
    if (outcome.state !== "pending" || Date.now() + intervalMs > deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
