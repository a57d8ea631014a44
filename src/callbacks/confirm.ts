/**
 * Confirming a callback through the API before acting on it. The API signs no callback and
 * documents no source addresses, so anyone who learns a callback URL can POST a well-shaped body
 * to it. Each `confirm…Callback` parses the body, looks its transaction up through the
 * authenticated API, and returns the API's outcome only when it agrees with what the callback
 * claims; otherwise it throws `UnconfirmedCallbackError`.
 */
import {
  parseAccountValidationCallback,
  parseAirtimeCallback,
  parseBillPaymentCallback,
  parseCheckoutCallback,
  parseExpressDepositCallback,
  parseKycCallback,
  parsePaymentOrderCallback,
  type CallbackBody,
} from "./parse.js";
import { UnconfirmedCallbackError } from "../errors/index.js";
import {
  findAccountValidationOutcome,
  type AccountValidationOutcome,
} from "../payments/outcomes/account-validation.js";
import { findAirtimeOutcome, type AirtimeOutcome } from "../payments/outcomes/airtime.js";
import { findPaymentOutcome, type PaymentOutcome } from "../payments/outcomes/bill-payment.js";
import { findCheckoutOutcome, type CheckoutOutcome } from "../payments/outcomes/checkout.js";
import {
  findExpressDepositOutcome,
  type ExpressDepositOutcome,
} from "../payments/outcomes/express-deposit.js";
import { findKycOutcome, type KycOutcome } from "../payments/outcomes/kyc.js";
import {
  findPaymentOrderOutcome,
  type PaymentOrderOutcome,
} from "../payments/outcomes/payment-order.js";
import type {
  FindOutcomeOptions,
  LookupClient,
  NotFoundOutcome,
} from "../payments/outcomes/poll.js";
import { claimOf, type CallbackClaim } from "./claims.js";
import { checkOptionKeys } from "../client/option-checks.js";

/**
 * How long to look: `waitMs` (default 0, look once) lets the API catch up with a callback that
 * arrives before its lookup shows the final state; `signal` stops the wait.
 *
 * @example
 * const options: ConfirmCallbackOptions = { waitMs: 10_000, intervalMs: 500 };
 */
export type ConfirmCallbackOptions = FindOutcomeOptions;

/**
 * An outcome the API confirmed: never "not-found" (that is an `UnconfirmedCallbackError`).
 *
 * @example
 * const outcome: Confirmed<PaymentOutcome> = await confirmBillPaymentCallback(pay, rawBody);
 */
export type Confirmed<O> = Exclude<O, NotFoundOutcome>;

/**
 * Options of `confirmExpressDepositCallback`.
 *
 * @example
 * await confirmExpressDepositCallback(pay, rawBody, { originatorConversationId: depositId });
 */
export interface ConfirmExpressDepositOptions extends ConfirmCallbackOptions {
  /**
   * The id you sent the deposit with, when you know which deposit the callback is about (from a
   * per-deposit `CallBackUrl`, say). The first callback, the STK-push result — the only one a
   * cancelled deposit gets — carries no id of yours and can be confirmed only with it; the final
   * one must then name this same id.
   */
  originatorConversationId?: string;
}

type Field = [name: string, claimed: unknown, confirmed: unknown];

const absent = (value: unknown) => value === null || value === undefined || value === "";

/** A value for a message: as JSON (no raw newlines from a forger), cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The first field both sides carry with different values, in words. */
function firstDifference(fields: Field[]): string | undefined {
  for (const [name, claimed, confirmed] of fields) {
    if (absent(claimed) || absent(confirmed) || String(claimed) === String(confirmed)) continue;
    return `it claims ${name} ${shown(claimed)}, the API has ${shown(confirmed)}`;
  }
  return undefined;
}

/**
 * Every leaf field (at any depth) that both objects carry, as fields to compare: for parts of a
 * callback that repeat what was sent (a payout line's remitter, recipient and transaction, a
 * checkout line), all of which must match.
 */
function sameLeaves(name: string, claimed: unknown, confirmed: unknown): Field[] {
  if (
    typeof claimed !== "object" ||
    claimed === null ||
    typeof confirmed !== "object" ||
    confirmed === null
  ) {
    return [[name, claimed, confirmed]];
  }
  const fields: Field[] = [];
  for (const key of Object.keys(claimed)) {
    if (!Object.prototype.hasOwnProperty.call(confirmed, key)) continue;
    const [a, b] = [
      (claimed as Record<string, unknown>)[key],
      (confirmed as Record<string, unknown>)[key],
    ];
    fields.push(...sameLeaves(`${name}.${key}`, a, b));
  }
  return fields;
}

/** Line-by-line fields, with the count first. */
function linesDiffer<C, R>(
  name: string,
  claimed: readonly C[],
  confirmed: readonly R[],
  fields: (claimed: C, confirmed: R, index: number) => Field[],
): string | undefined {
  if (claimed.length !== confirmed.length) {
    return `it has ${claimed.length} ${name}, the API ${confirmed.length}`;
  }
  return firstDifference(
    claimed.flatMap((c, i) =>
      fields(c, confirmed[i]!, i).map(([field, a, b]): Field => [`${name}[${i}].${field}`, a, b]),
    ),
  );
}

function checkArguments(
  name: string,
  client: unknown,
  options: unknown,
  known: readonly string[] = ["waitMs", "intervalMs", "signal"],
): void {
  if (typeof (client as LookupClient | null)?.GET !== "function") {
    throw new TypeError(`almara-pay: ${name} needs the SDK client (from createAlmaraPay)`);
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`almara-pay: ${name} options must be an object`);
  }
  // A misspelt option (`originatorConversationID`, `waitMS`) would drop a check silently.
  if (options !== undefined) checkOptionKeys(name, options as object, known);
}

interface Check<O extends { state: string }> {
  /** The callback's name in errors (`Bill payment`). */
  callback: string;
  claim: CallbackClaim;
  find: (id: string) => Promise<O | NotFoundOutcome>;
  /** What the API's record says otherwise than the callback, when the states agree. */
  differs: (outcome: Confirmed<O>) => string | undefined;
  /** Why the callback cannot be looked up, when it carries no id. */
  noId?: string;
  /** The id the API's record carries, when it carries one. */
  recordId?: (outcome: Confirmed<O>) => string | null | undefined;
}

async function confirm<O extends { state: string }>(check: Check<O>): Promise<Confirmed<O>> {
  const { callback, claim } = check;
  const unconfirmed = (confirmed: UnconfirmedCallbackError["confirmed"], reason: string) =>
    new UnconfirmedCallbackError({
      callback,
      id: claim.id,
      claimed: claim.state,
      confirmed,
      reason,
    });
  if (claim.id === undefined) {
    throw unconfirmed("not-looked-up", check.noId ?? "it carries no id to look it up by");
  }
  const outcome = await check.find(claim.id);
  if (outcome.state === "not-found") {
    throw unconfirmed("not-found", "the API holds no transaction under its id");
  }
  // The record must be the one asked for, spelt the same: an API that matched loosely
  // (another casing, spaces) would otherwise confirm an id the callback only resembles.
  const recordId = check.recordId?.(outcome as Confirmed<O>);
  if (typeof recordId === "string" && recordId !== "" && recordId !== claim.id) {
    throw unconfirmed("not-found", `the API answered with another id, ${shown(recordId)}`);
  }
  const confirmed = outcome as Confirmed<O>;
  const state = confirmed.state as UnconfirmedCallbackError["claimed"];
  if (state !== claim.state) {
    throw unconfirmed(state, `it claims ${claim.state}, the API has it ${state}`);
  }
  const difference = check.differs(confirmed);
  if (difference !== undefined) throw unconfirmed(state, difference);
  return confirmed;
}

/**
 * Confirms the bill-payment callback through the API: parses it, looks the payment up by its
 * `originatorConversationId` and returns the API's outcome when the API has it in the state the
 * callback claims, with the same `statusCode`, `amount`, `receiptNumber` and `accountNumber`
 * (fields both carry). Act on the returned record, never on the callback's body.
 *
 * @throws CallbackError when the body is not the callback's shape.
 * @throws UnconfirmedCallbackError when the API does not know the payment or disagrees.
 * @throws ApiError and the transport errors when the lookup itself fails (answer 5xx: the API
 *   sends the callback again).
 * @example
 * const outcome = await confirmBillPaymentCallback(pay, rawBody, { waitMs: 10_000 });
 * if (outcome.state === "completed") markPaid(outcome.record.receiptNumber);
 */
export async function confirmBillPaymentCallback(
  client: LookupClient,
  body: CallbackBody,
  options: ConfirmCallbackOptions = {},
): Promise<Confirmed<PaymentOutcome>> {
  checkArguments("confirmBillPaymentCallback", client, options);
  const event = parseBillPaymentCallback(body);
  return confirm<PaymentOutcome>({
    callback: "Bill payment",
    claim: claimOf("bill-payment", event),
    find: (id) => findPaymentOutcome(client, id, options),
    recordId: ({ record }) => record.originatorConversationId,
    differs: ({ record }) =>
      firstDifference([
        ["statusCode", event.statusCode, record.statusCode],
        ["amount", event.amount, record.amount],
        ["currencyCode", event.currencyCode, record.currencyCode],
        ["receiptNumber", event.receiptNumber, record.receiptNumber],
        ["accountNumber", event.accountNumber, record.accountNumber],
        ["msisdn", event.msisdn, record.msisdn],
        ["serviceCode", event.serviceCode, record.serviceCode],
        ["transactionType", event.transactionType, record.transactionType],
      ]),
  });
}

/**
 * Confirms the payout webhook through the API: looks the payout up by its
 * `originatorConversationId` and returns the API's outcome when every line stands as the webhook
 * says (state, `resultCode`, `paymentAmount`, receipt). Act on the returned record.
 *
 * @throws CallbackError when the body is not the webhook's shape.
 * @throws UnconfirmedCallbackError when the API does not know the payout or disagrees.
 * @throws ApiError and the transport errors when the lookup itself fails.
 * @example
 * const outcome = await confirmPaymentOrderCallback(pay, rawBody, { waitMs: 10_000 });
 * for (const line of outcome.lines) console.log(line.state);
 */
export async function confirmPaymentOrderCallback(
  client: LookupClient,
  body: CallbackBody,
  options: ConfirmCallbackOptions = {},
): Promise<Confirmed<PaymentOrderOutcome>> {
  checkArguments("confirmPaymentOrderCallback", client, options);
  const event = parsePaymentOrderCallback(body);
  const claim = claimOf("payout", event);
  return confirm<PaymentOrderOutcome>({
    callback: "Payout",
    claim,
    find: (id) => findPaymentOrderOutcome(client, id, options),
    recordId: ({ record }) => record.originatorConversationId,
    differs: ({ record, lines }) =>
      linesDiffer("orderLines", event.orderLines, record.orderLines, (c, r, i) => [
        ["state", claim.parts[i], lines[i]?.state],
        ...sameLeaves("remitter", c.remitter, r.remitter),
        ...sameLeaves("recipient", c.recipient, r.recipient),
        ...sameLeaves("transaction", c.transaction, r.transaction),
        [
          "transactionOutcome.resultCode",
          c.transactionOutcome.resultCode,
          r.transactionOutcome.resultCode,
        ],
        [
          "transactionOutcome.paymentAmount",
          c.transactionOutcome.paymentAmount,
          r.transactionOutcome.paymentAmount,
        ],
        [
          "transactionOutcome.thirdPartyPayload.thirdPartyReceiptNumber",
          c.transactionOutcome.thirdPartyPayload?.thirdPartyReceiptNumber,
          r.transactionOutcome.thirdPartyPayload?.thirdPartyReceiptNumber,
        ],
      ]),
  });
}

/**
 * Confirms an express-deposit callback through the API. The final one (the C2B IPN, sent once
 * the payer paid) is looked up by its `OriginatorConversationId` and confirmed when the API has
 * the deposit paid with the same receipt. The first one (the STK-push result) carries no id of
 * yours: it is confirmed only when you pass `options.originatorConversationId` (the deposit you
 * know it is about), and otherwise throws `UnconfirmedCallbackError` — wait for the final one, or
 * look the deposit up with `findExpressDepositOutcome`. Confirmed, it reports a failure (a
 * cancelled deposit gets no other callback) but never a payment: a success the API agrees with
 * comes back as `pending`, since only the final notification confirms the money arrived (so one
 * deposit is acted on once, however its two callbacks arrive).
 *
 * @throws CallbackError when the body is neither callback's shape.
 * @throws UnconfirmedCallbackError when it cannot be looked up, or the API does not know the
 *   deposit or disagrees.
 * @throws ApiError and the transport errors when the lookup itself fails.
 * @example
 * const outcome = await confirmExpressDepositCallback(pay, rawBody, { waitMs: 10_000 });
 * if (outcome.state === "completed") credit(outcome.record.mpesaReceiptNumber);
 */
export async function confirmExpressDepositCallback(
  client: LookupClient,
  body: CallbackBody,
  options: ConfirmExpressDepositOptions = {},
): Promise<Confirmed<ExpressDepositOutcome>> {
  checkArguments("confirmExpressDepositCallback", client, options, [
    "waitMs",
    "intervalMs",
    "signal",
    "originatorConversationId",
  ]);
  const known = options.originatorConversationId;
  if (known !== undefined && (typeof known !== "string" || known === "")) {
    throw new TypeError(
      "almara-pay: confirmExpressDepositCallback options.originatorConversationId must be a non-empty string",
    );
  }
  const { originatorConversationId: _known, ...lookup } = options;
  const event = parseExpressDepositCallback(body);
  const claim = claimOf("express-deposit", event);
  const final = "OriginatorConversationId" in event;
  if (final && known !== undefined && claim.id !== known) {
    throw new UnconfirmedCallbackError({
      callback: "Express deposit",
      id: claim.id,
      claimed: claim.state,
      confirmed: "not-looked-up",
      reason: `it names another deposit than ${known}`,
    });
  }
  const outcome = await confirm<ExpressDepositOutcome>({
    callback: "Express deposit",
    claim: final ? claim : { ...claim, id: known },
    noId:
      "it is the STK-push result, which is not final and carries no OriginatorConversationId; " +
      "wait for the final notification, or pass the deposit's id as options.originatorConversationId",
    find: (id) => findExpressDepositOutcome(client, id, lookup),
    recordId: ({ record }) => record.originatorConversationId,
    differs: ({ record }) =>
      final
        ? firstDifference([
            ["Thirdpartyreceiptnumber", event.Thirdpartyreceiptnumber, record.mpesaReceiptNumber],
            ["PhoneNumber", event.PhoneNumber, record.phoneNumber],
          ])
        : absent(event.Body.StkCallback.MerchantRequestID) || absent(record.merchantRequestID)
          ? "nothing ties this STK-push result to the deposit (a MerchantRequestID on both sides)"
          : firstDifference([
              [
                "MerchantRequestID",
                event.Body.StkCallback.MerchantRequestID,
                record.merchantRequestID,
              ],
              ["ResultCode", event.Body.StkCallback.ResultCode, record.resultCode],
            ]),
  });
  // The STK-push result is not final: only the final notification confirms a payment, so that
  // one deposit is acted on once, whichever of its two callbacks comes first or twice.
  if (!final && outcome.state === "completed") return { state: "pending", record: outcome.record };
  return outcome;
}

/**
 * Confirms the account-validation callback through the API: looks the validation up by its
 * `systemTraceAuditNumber` and returns the API's outcome when it agrees on the result code, the
 * account and its holder (`transactionCreditParty`). Pay the holder the API names.
 *
 * @throws CallbackError when the body is not the callback's shape.
 * @throws UnconfirmedCallbackError when the API does not know the validation or disagrees.
 * @throws ApiError and the transport errors when the lookup itself fails.
 * @example
 * const outcome = await confirmAccountValidationCallback(pay, rawBody);
 * if (outcome.state === "completed") console.log(outcome.record.transactionCreditParty);
 */
export async function confirmAccountValidationCallback(
  client: LookupClient,
  body: CallbackBody,
  options: ConfirmCallbackOptions = {},
): Promise<Confirmed<AccountValidationOutcome>> {
  checkArguments("confirmAccountValidationCallback", client, options);
  const event = parseAccountValidationCallback(body);
  return confirm<AccountValidationOutcome>({
    callback: "Account validation",
    claim: claimOf("account-validation", event),
    find: (id) => findAccountValidationOutcome(client, id, options),
    recordId: ({ record }) => record.systemTraceAuditNumber,
    differs: ({ record }) =>
      firstDifference([
        ["resultCode", event.resultCode, record.resultCode],
        ["accountNumber", event.accountNumber, record.accountNumber],
        ["transactionCreditParty", event.transactionCreditParty, record.transactionCreditParty],
      ]),
  });
}

/**
 * Confirms the KYC callback through the API: looks the check up by its `systemTraceAuditNumber`
 * and returns the API's outcome when it agrees on the response code and the names.
 *
 * @throws CallbackError when the body is not the callback's shape.
 * @throws UnconfirmedCallbackError when the callback carries no `systemTraceAuditNumber`, or the
 *   API does not know the check or disagrees.
 * @throws ApiError and the transport errors when the lookup itself fails.
 * @example
 * const outcome = await confirmKycCallback(pay, rawBody);
 * if (outcome.state === "completed") onboard(outcome.record.kycRecordDto?.kycRequestFullNames);
 */
export async function confirmKycCallback(
  client: LookupClient,
  body: CallbackBody,
  options: ConfirmCallbackOptions = {},
): Promise<Confirmed<KycOutcome>> {
  checkArguments("confirmKycCallback", client, options);
  const event = parseKycCallback(body);
  return confirm<KycOutcome>({
    callback: "KYC",
    claim: claimOf("kyc", event),
    noId: "it carries no systemTraceAuditNumber to look it up by",
    find: (id) => findKycOutcome(client, id, options),
    recordId: ({ record }) => record.systemTraceAuditNumber,
    differs: ({ record }) => {
      const [claimed, confirmed] = [event.kycRecordDto, record.kycRecordDto];
      return firstDifference([
        ["kycRecordDto.responseCode", claimed?.responseCode, confirmed?.responseCode],
        [
          "kycRecordDto.kycRequestFullNames",
          claimed?.kycRequestFullNames,
          confirmed?.kycRequestFullNames,
        ],
        [
          "kycRecordDto.kycRequestNationalID",
          claimed?.kycRequestNationalID,
          confirmed?.kycRequestNationalID,
        ],
      ]);
    },
  });
}

/**
 * Confirms the airtime callback through the API: looks the purchase up by its
 * `originatorConversationId` and returns the API's outcome when every recipient stands as the
 * callback says (number, amount, result code, receipt).
 *
 * @throws CallbackError when the body is not the callback's shape.
 * @throws UnconfirmedCallbackError when the API does not know the purchase or disagrees.
 * @throws ApiError and the transport errors when the lookup itself fails.
 * @example
 * const outcome = await confirmAirtimeCallback(pay, rawBody, { waitMs: 10_000 });
 * for (const r of outcome.recipients) console.log(r.recipient.phoneNumber, r.state);
 */
export async function confirmAirtimeCallback(
  client: LookupClient,
  body: CallbackBody,
  options: ConfirmCallbackOptions = {},
): Promise<Confirmed<AirtimeOutcome>> {
  checkArguments("confirmAirtimeCallback", client, options);
  const event = parseAirtimeCallback(body);
  return confirm<AirtimeOutcome>({
    callback: "Airtime",
    claim: claimOf("airtime", event),
    find: (id) => findAirtimeOutcome(client, id, options),
    recordId: ({ record }) => record.originatorConversationId,
    differs: ({ record }) =>
      linesDiffer("recipients", event.recipients, record.recipients, (c, r) => [
        ["phoneNumber", c.phoneNumber, r.phoneNumber],
        ["amount", c.amount, r.amount],
        ["statusCode", c.statusCode, r.statusCode],
        ["receiptNumber", c.receiptNumber, r.receiptNumber],
      ]),
  });
}

/**
 * Confirms the checkout callback through the API: looks the order up by its
 * `originatorConversationId` and returns the API's outcome when it agrees on the result code, the
 * payment reference and the order's `checkoutReference`.
 *
 * @throws CallbackError when the body is not the callback's shape.
 * @throws UnconfirmedCallbackError when the API does not know the order or disagrees.
 * @throws ApiError and the transport errors when the lookup itself fails.
 * @example
 * const outcome = await confirmCheckoutCallback(pay, rawBody, { waitMs: 10_000 });
 * if (outcome.state === "completed") ship(outcome.record.checkoutReference);
 */
export async function confirmCheckoutCallback(
  client: LookupClient,
  body: CallbackBody,
  options: ConfirmCallbackOptions = {},
): Promise<Confirmed<CheckoutOutcome>> {
  checkArguments("confirmCheckoutCallback", client, options);
  const event = parseCheckoutCallback(body);
  return confirm<CheckoutOutcome>({
    callback: "Checkout",
    claim: claimOf("checkout", event),
    find: (id) => findCheckoutOutcome(client, id, options),
    recordId: ({ record }) => record.originatorConversationId,
    differs: ({ record }) => {
      const [claimed, confirmed] = [event.checkoutOutcome, record.checkoutOutcome];
      return (
        firstDifference([
          ["checkoutOutcome.ResultCode", claimed?.ResultCode, confirmed?.ResultCode],
          [
            "checkoutOutcome.ThirdPartyPayload.Reference",
            claimed?.ThirdPartyPayload?.Reference,
            confirmed?.ThirdPartyPayload?.Reference,
          ],
          ["checkoutReference", event.checkoutReference, record.checkoutReference],
          ["checkoutAccountNo", event.checkoutAccountNo, record.checkoutAccountNo],
          ["checkoutCurrencyCode", event.checkoutCurrencyCode, record.checkoutCurrencyCode],
          ["checkoutCurrencyName", event.checkoutCurrencyName, record.checkoutCurrencyName],
        ]) ??
        (event.checkoutRequestLines && record.checkoutRequestLines
          ? linesDiffer(
              "checkoutRequestLines",
              event.checkoutRequestLines,
              record.checkoutRequestLines,
              (c, r) => sameLeaves("line", c, r),
            )
          : undefined)
      );
    },
  });
}
