/**
 * Settling an airtime purchase whose outcome is unknown: recipient by recipient, topped up,
 * failed (with the result code's meaning and advice) or pending; or not recorded at all.
 */
import type { components } from "../../generated/schema.js";
import { describeResultCode, type ResultCodeInfo } from "../result-codes.js";
import {
  pollOutcome,
  type FindOutcomeOptions,
  type LookupClient,
  type NotFoundOutcome,
} from "./poll.js";

export type AirtimePurchaseRecord = components["schemas"]["AirtimePurchaseStatus"];
export type AirtimeRecipientRecord = AirtimePurchaseRecord["recipients"][number];

export type AirtimeRecipientOutcome =
  | { state: "completed"; recipient: AirtimeRecipientRecord; result: ResultCodeInfo }
  | { state: "failed"; recipient: AirtimeRecipientRecord; result: ResultCodeInfo }
  | { state: "pending"; recipient: AirtimeRecipientRecord };

export type AirtimeOutcome =
  /** Every recipient was topped up. */
  | { state: "completed"; record: AirtimePurchaseRecord; recipients: AirtimeRecipientOutcome[] }
  /** Every recipient is final and at least one was not topped up: `recipients` say which. */
  | { state: "failed"; record: AirtimePurchaseRecord; recipients: AirtimeRecipientOutcome[] }
  /** Some recipient is still being processed (after `waitMs`, if polling). */
  | { state: "pending"; record: AirtimePurchaseRecord; recipients: AirtimeRecipientOutcome[] }
  /** Not recorded after `waitMs`: resend with the same id. */
  | NotFoundOutcome;

/**
 * Looks an airtime purchase up by its `originatorConversationId`, polling through "not found" and
 * "pending" for up to `waitMs`.
 *
 * @example
 * const outcome = await findAirtimeOutcome(pay, error.originatorConversationId!, { waitMs: 60_000 });
 */
export function findAirtimeOutcome(
  client: LookupClient,
  originatorConversationId: string,
  options: FindOutcomeOptions = {},
): Promise<AirtimeOutcome> {
  return pollOutcome(
    "findAirtimeOutcome",
    (signal) =>
      client.GET("/v1/airtime-purchase/check-status", {
        params: { query: { OriginatorConversationId: originatorConversationId } },
        ...(signal ? { signal } : {}),
      }),
    classify,
    originatorConversationId,
    options,
  );
}

function classifyRecipient(recipient: AirtimeRecipientRecord): AirtimeRecipientOutcome {
  if (typeof recipient.statusCode !== "number") return { state: "pending", recipient };
  const result = describeResultCode(recipient.statusCode);
  return { state: result.action === "none" ? "completed" : "failed", recipient, result };
}

function classify(record: AirtimePurchaseRecord): AirtimeOutcome {
  const recipients = record.recipients.map(classifyRecipient);
  if (recipients.length === 0 || recipients.some((r) => r.state === "pending")) {
    return { state: "pending", record, recipients };
  }
  const state = recipients.every((r) => r.state === "completed") ? "completed" : "failed";
  return { state, record, recipients };
}
