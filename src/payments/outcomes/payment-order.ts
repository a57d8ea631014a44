/**
 * Settling a payout whose outcome is unknown (a lost answer, a webhook that never came): look it
 * up by its `originatorConversationId`, optionally polling, and say for each line what happened
 * and what to do about it.
 */
import type { components } from "../../generated/schema.js";
import { describeResultCode, type ResultCodeInfo } from "../result-codes.js";
import {
  pollOutcome,
  type FindOutcomeOptions,
  type LookupClient,
  type NotFoundOutcome,
} from "./poll.js";

export type PaymentOrderRecord = components["schemas"]["PaymentOrderStatus"];
export type PaymentOrderLineRecord = PaymentOrderRecord["orderLines"][number];

/** A line of a payout, as a lookup answers it or as the payout webhook posts it. */
type LineWithOutcome = Pick<PaymentOrderLineRecord, "transactionOutcome">;

export type PaymentOrderLineOutcome<Line extends LineWithOutcome = PaymentOrderLineRecord> =
  /** Paid (result code 0). */
  | { state: "paid"; line: Line; result: ResultCodeInfo }
  /** Failed; `result.action` says whether and how to try again. */
  | { state: "failed"; line: Line; result: ResultCodeInfo }
  /** Stopped by reject-order before it was processed. */
  | { state: "rejected"; line: Line }
  /** Not processed yet. */
  | { state: "pending"; line: Line };

export type PaymentOrderOutcome =
  /** Every line was paid. */
  | { state: "completed"; record: PaymentOrderRecord; lines: PaymentOrderLineOutcome[] }
  /** Every line is final and at least one was not paid: `lines` say which, and why. */
  | { state: "failed"; record: PaymentOrderRecord; lines: PaymentOrderLineOutcome[] }
  /** Some line is still being processed (after `waitMs`, if polling). */
  | { state: "pending"; record: PaymentOrderRecord; lines: PaymentOrderLineOutcome[] }
  /** Not recorded after `waitMs`: resend with the same id. */
  | NotFoundOutcome;

/**
 * Looks a payout up by its `originatorConversationId`, polling through "not found" and "pending"
 * for up to `waitMs`, and tells, line by line, paid, failed (with the result code's meaning and
 * advice), rejected or pending.
 *
 * @example
 * const outcome = await findPaymentOrderOutcome(pay, error.originatorConversationId!, { waitMs: 60_000 });
 * if (outcome.state === "failed") for (const line of outcome.lines) console.log(line.state);
 */
export function findPaymentOrderOutcome(
  client: LookupClient,
  originatorConversationId: string,
  options: FindOutcomeOptions = {},
): Promise<PaymentOrderOutcome> {
  return pollOutcome(
    "findPaymentOrderOutcome",
    (signal) =>
      client.GET("/v1/payment-order/check-status", {
        params: { query: { Id: originatorConversationId, IdType: "OriginatorConversationId" } },
        ...(signal ? { signal } : {}),
      }),
    classifyOrder,
    originatorConversationId,
    options,
  );
}

export function classifyLine<Line extends LineWithOutcome>(
  line: Line,
): PaymentOrderLineOutcome<Line> {
  const { resultCode, transactionStatusDescription } = line.transactionOutcome;
  if (resultCode !== null && resultCode !== undefined && resultCode !== "") {
    const result = describeResultCode(resultCode);
    return { state: result.action === "none" ? "paid" : "failed", line, result };
  }
  if (String(transactionStatusDescription ?? "").toLowerCase() === "rejected") {
    return { state: "rejected", line };
  }
  return { state: "pending", line };
}

function classifyOrder(record: PaymentOrderRecord): PaymentOrderOutcome {
  const lines = record.orderLines.map(classifyLine);
  if (lines.length === 0 || lines.some((l) => l.state === "pending")) {
    return { state: "pending", record, lines };
  }
  return { state: lines.every((l) => l.state === "paid") ? "completed" : "failed", record, lines };
}
