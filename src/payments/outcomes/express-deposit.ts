/**
 * Settling an express deposit (STK push) whose outcome is unknown: paid, failed (the payer
 * cancelled, say), pending or not recorded. Its result code is the mobile network's, not the
 * transaction table's: `"0"` is paid.
 */
import type { components } from "../../generated/schema.js";
import {
  pollOutcome,
  type FindOutcomeOptions,
  type LookupClient,
  type NotFoundOutcome,
} from "./poll.js";

export type ExpressDepositRecord = components["schemas"]["ExpressDepositStatus"];

export type ExpressDepositOutcome =
  /** The payer paid (`resultCode` `"0"`). */
  | { state: "completed"; record: ExpressDepositRecord }
  /** The payer did not pay: `record.resultDesc` says why (cancelled, timed out…). */
  | { state: "failed"; record: ExpressDepositRecord }
  /** The payer has not answered yet (after `waitMs`, if polling). */
  | { state: "pending"; record: ExpressDepositRecord }
  /** Not recorded after `waitMs`: resend with the same id. */
  | NotFoundOutcome;

/**
 * Looks an express deposit up by its `OriginatorConversationId`, polling through "not found" and
 * "pending" for up to `waitMs`.
 *
 * @example
 * const outcome = await findExpressDepositOutcome(pay, error.originatorConversationId!, { waitMs: 60_000 });
 */
export function findExpressDepositOutcome(
  client: LookupClient,
  originatorConversationId: string,
  options: FindOutcomeOptions = {},
): Promise<ExpressDepositOutcome> {
  return pollOutcome(
    "findExpressDepositOutcome",
    (signal) =>
      client.GET("/v1/express-deposit/check-status", {
        params: { query: { OriginatorConversationId: originatorConversationId } },
        ...(signal ? { signal } : {}),
      }),
    classify,
    originatorConversationId,
    options,
  );
}

function classify(record: ExpressDepositRecord): ExpressDepositOutcome {
  const code = String(record.resultCode ?? "").trim();
  if (code) return { state: code === "0" ? "completed" : "failed", record };
  return { state: "pending", record };
}
