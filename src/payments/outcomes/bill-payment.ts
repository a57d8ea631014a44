/** Settling a bill payment whose outcome is unknown: completed, failed, pending or not recorded. */
import type { components } from "../../generated/schema.js";
import { describeResultCode, type ResultCodeInfo } from "../result-codes.js";
import {
  pollOutcome,
  type FindOutcomeOptions,
  type LookupClient,
  type NotFoundOutcome,
} from "./poll.js";

export type BillPaymentRecord = components["schemas"]["BillPaymentStatus"];

export type PaymentOutcome =
  /** The payment went through. */
  | { state: "completed"; record: BillPaymentRecord; result: ResultCodeInfo }
  /** It failed; `result.action` says whether and how to try again. */
  | { state: "failed"; record: BillPaymentRecord; result: ResultCodeInfo }
  /** Accepted and still being processed (after `waitMs`, if polling). */
  | { state: "pending"; record: BillPaymentRecord }
  /** Not recorded after `waitMs`: resend with the same id. */
  | NotFoundOutcome;

/**
 * Looks a bill payment up by its `originatorConversationId`, polling through "not found" and
 * "pending" for up to `waitMs`, and tells completed, failed, pending or not recorded apart — the
 * way to settle an `AmbiguousOutcomeError`, a `DuplicateIdError` or a callback that never came.
 * Error answers other than 404 are thrown as `ApiError`.
 *
 * @example
 * const outcome = await findPaymentOutcome(pay, error.originatorConversationId, { waitMs: 30_000 });
 * if (outcome.state === "completed") markPaid(outcome.record.receiptNumber);
 */
export function findPaymentOutcome(
  client: LookupClient,
  originatorConversationId: string,
  options: FindOutcomeOptions = {},
): Promise<PaymentOutcome> {
  return pollOutcome(
    "findPaymentOutcome",
    (signal) =>
      client.GET("/v1/bill-payments", {
        params: { query: { OriginatorConversationId: originatorConversationId } },
        ...(signal ? { signal } : {}),
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
