/**
 * What a callback claims — the id to look it up by, where the transaction stands, and how its
 * lines stand — read the same way the `find…Outcome` lookups read the API's record, so that the
 * two can be compared (confirm.ts) and a delivery keyed (delivery-guard.ts).
 */
import {
  isFinalExpressDepositCallback,
  type AccountValidationCallback,
  type AirtimeCallback,
  type BillPaymentCallback,
  type CheckoutCallback,
  type ExpressDepositCallback,
  type KycCallback,
  type PaymentOrderCallback,
} from "./parse.js";
import type { CallbackState } from "../errors/index.js";
import { classifyLine } from "../payments/outcomes/payment-order.js";
import { describeResultCode } from "../payments/result-codes.js";

/**
 * Each kind of callback and the event its parser returns.
 *
 * @example
 * const event: CallbackEvents["bill-payment"] = parseBillPaymentCallback(rawBody);
 */
export interface CallbackEvents {
  "bill-payment": BillPaymentCallback;
  payout: PaymentOrderCallback;
  "express-deposit": ExpressDepositCallback;
  "account-validation": AccountValidationCallback;
  kyc: KycCallback;
  airtime: AirtimeCallback;
  checkout: CheckoutCallback;
}

/**
 * The kinds of callback: `"bill-payment"`, `"payout"`, `"express-deposit"`, …
 *
 * @example
 * const kind: CallbackKind = "payout";
 */
export type CallbackKind = keyof CallbackEvents;

/**
 * What a callback claims.
 *
 * @example
 * claimOf("bill-payment", event); // { id: "6b1f…", state: "completed", parts: [] }
 */
export interface CallbackClaim {
  /** The id to look the transaction up by, if the callback carries one. */
  id: string | undefined;
  /** Where the callback says the transaction stands. */
  state: CallbackState;
  /** How each payout line or airtime recipient stands, in order (other kinds: empty). */
  parts: string[];
}

/** A transaction result code: `0` is success, anything else a failure, nothing yet pending. */
function stateOfCode(code: number | string | null | undefined): CallbackState {
  if (code === null || code === undefined || String(code).trim() === "") return "pending";
  return describeResultCode(code).action === "none" ? "completed" : "failed";
}

/** A whole of parts: pending while any part is (or there is none), completed when all are. */
function stateOfParts(parts: string[], done: string): CallbackState {
  if (parts.length === 0 || parts.includes("pending")) return "pending";
  return parts.every((part) => part === done) ? "completed" : "failed";
}

/** An id only counts when it is a non-empty string. */
function idOf(value: string | null | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Reads what a parsed callback claims.
 *
 * @example
 * const { id, state } = claimOf("airtime", parseAirtimeCallback(rawBody));
 */
export function claimOf<K extends CallbackKind>(kind: K, event: CallbackEvents[K]): CallbackClaim {
  switch (kind) {
    case "bill-payment": {
      const payment = event as BillPaymentCallback;
      const id = idOf(payment.originatorConversationId);
      return { id, state: stateOfCode(payment.statusCode), parts: [] };
    }
    case "payout": {
      const order = event as PaymentOrderCallback;
      const parts = order.orderLines.map((line) => classifyLine(line).state);
      return {
        id: idOf(order.originatorConversationId),
        state: stateOfParts(parts, "paid"),
        parts,
      };
    }
    case "express-deposit": {
      const deposit = event as ExpressDepositCallback;
      // The C2B IPN is only sent once the payer paid; the STK-push result carries no id of yours.
      if (isFinalExpressDepositCallback(deposit)) {
        return { id: idOf(deposit.OriginatorConversationId), state: "completed", parts: [] };
      }
      const code = deposit.Body.StkCallback.ResultCode;
      return { id: undefined, state: code === 0 ? "completed" : "failed", parts: [] };
    }
    case "account-validation": {
      const validation = event as AccountValidationCallback;
      const code = String(validation.resultCode ?? "").trim();
      const state = code === "" ? "pending" : code === "0" ? "completed" : "failed";
      return { id: idOf(validation.systemTraceAuditNumber), state, parts: [] };
    }
    case "kyc": {
      const check = event as KycCallback;
      const code = String(check.kycRecordDto?.responseCode ?? "").trim();
      const state = code === "" ? "pending" : code === "0" ? "completed" : "failed";
      return { id: idOf(check.systemTraceAuditNumber), state, parts: [] };
    }
    case "airtime": {
      const purchase = event as AirtimeCallback;
      const parts = purchase.recipients.map((recipient) => stateOfCode(recipient.statusCode));
      const id = idOf(purchase.originatorConversationId);
      return { id, state: stateOfParts(parts, "completed"), parts };
    }
    case "checkout": {
      const order = event as CheckoutCallback;
      const code = String(order.checkoutOutcome?.ResultCode ?? "").trim();
      const state = code === "" ? "pending" : /^0+$/.test(code) ? "completed" : "failed";
      return { id: idOf(order.originatorConversationId), state, parts: [] };
    }
  }
  throw new TypeError(`almara-pay: unknown callback kind ${JSON.stringify(kind)}`);
}

const KINDS: readonly string[] = [
  "bill-payment",
  "payout",
  "express-deposit",
  "account-validation",
  "kyc",
  "airtime",
  "checkout",
] satisfies CallbackKind[];

/**
 * A stable key for one delivery of a callback, for `processOnce`: the kind, the transaction's id
 * (URL-encoded, so that no id can pose as another key) and the state the callback reports (with
 * each line's or recipient's), so a redelivery of the same news gets the same key while a later
 * callback with new news (a payout line settled) gets its own. Both express-deposit callbacks
 * report one payment: given the deposit's `originatorConversationId`, the STK-push result gets the
 * same key as the final notification with the same state; without it, it is keyed by its
 * `MerchantRequestID`.
 *
 * @throws TypeError for an unknown kind, or a callback that carries no id at all.
 * @example
 * const event = parseBillPaymentCallback(body);
 * await processOnce(guard, callbackKey("bill-payment", event), () => settle(event));
 * // "bill-payment:6b1f1f0e-…:completed:"
 */
export function callbackKey<K extends CallbackKind>(
  kind: K,
  event: CallbackEvents[K],
  options: { originatorConversationId?: string } = {},
): string {
  if (!KINDS.includes(kind)) {
    throw new TypeError(
      `almara-pay: callbackKey kind must be one of ${KINDS.join(", ")}, got ${JSON.stringify(kind)}`,
    );
  }
  if (typeof event !== "object" || event === null) {
    throw new TypeError("almara-pay: callbackKey needs the parsed callback (an object)");
  }
  const known = options?.originatorConversationId;
  if (known !== undefined && (typeof known !== "string" || known === "")) {
    throw new TypeError(
      "almara-pay: callbackKey options.originatorConversationId must be a non-empty string",
    );
  }
  const claim = claimOf(kind, event);
  let id = claim.id;
  let label: string = kind;
  if (
    kind === "express-deposit" &&
    !isFinalExpressDepositCallback(event as ExpressDepositCallback)
  ) {
    const stk = (event as Extract<ExpressDepositCallback, { Body: unknown }>).Body.StkCallback;
    if (known !== undefined) id = known;
    else {
      id = idOf(stk.MerchantRequestID);
      label = "express-deposit-stk";
    }
  }
  if (id === undefined) {
    throw new TypeError(
      `almara-pay: callbackKey: this ${kind} callback carries no id to key it by`,
    );
  }
  return `${label}:${encodeURIComponent(id)}:${claim.state}:${claim.parts.join(",")}`;
}
