/**
 * Typed parsing of the callbacks the API POSTs to you, checked against the spec's callback schemas
 * (generated into src/generated/callback-schemas.ts). A parser returns a typed event or throws a
 * `CallbackError` naming the field — never anything else.
 */
import { CallbackError } from "../errors/index.js";
import { callbackSchemas } from "../generated/callback-schemas.js";
import type { components } from "../generated/schema.js";
import { checkSchema, type JsonSchema } from "./schema-check.js";

/** The body of the bill-payment callback: the stored payment, as `GET /v1/bill-payments` returns it. */
export type BillPaymentCallback = components["schemas"]["BillPaymentStatus"];

/** The body of the payout webhook: the payout, as `GET /v1/payment-order/check-status` returns it. */
export type PaymentOrderCallback = components["schemas"]["PaymentOrderResult"];

/**
 * An express-deposit callback: the STK-push result (first, not final) or the C2B instant payment
 * notification (second, final). `isFinalExpressDepositCallback` tells them apart.
 */
export type ExpressDepositCallback =
  components["schemas"]["StkCallback"] | components["schemas"]["C2bIpn"];

/** The account-validation callback: the result, as `GET /v1/account/query` returns it. */
export type AccountValidationCallback = components["schemas"]["AccountValidationStatus"];

/** The KYC callback: the result, as `GET /v1/kyc-request/check-status` returns it. */
export type KycCallback = components["schemas"]["KycStatus"];

/** The airtime callback: the purchase, as `GET /v1/airtime-purchase/check-status` returns it. */
export type AirtimeCallback = components["schemas"]["AirtimePurchaseStatus"];

/** The checkout callback: the order with its outcome, as its lookup returns it. */
export type CheckoutCallback = components["schemas"]["CheckoutOrder"];

/** What a callback body may arrive as: raw text or bytes, or already parsed JSON. */
export type CallbackBody = string | Uint8Array | ArrayBuffer | unknown;

/** Bodies larger than this many bytes (UTF-8, for text) are refused before parsing. */
const MAX_CALLBACK_BYTES = 1024 * 1024;

/**
 * Whether `text` takes more than `limit` bytes in UTF-8, counted without encoding it: a UTF-16
 * unit takes 1 to 3 bytes (a surrogate pair, two units, takes 4), so the length alone settles most
 * texts and only those in between are counted, stopping as soon as the limit is passed.
 *
 * @example
 * exceedsUtf8Bytes("€".repeat(400_000), 1024 * 1024); // true: 1,200,000 bytes in 400,000 units
 */
export function exceedsUtf8Bytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair: one code point beyond the BMP
      i++;
    } else bytes += 3; // the rest of the BMP, and a lone surrogate (encoded as U+FFFD)
  }
  return bytes > limit;
}

function pointerToField(pointer: string): string {
  if (pointer === "") return "$";
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function parseWith<T>(name: string, schema: JsonSchema, raw: CallbackBody): T {
  try {
    let value: unknown = raw;
    if (raw instanceof ArrayBuffer || raw instanceof Uint8Array) {
      if (raw.byteLength > MAX_CALLBACK_BYTES)
        throw new CallbackError(name, "$", "is larger than 1 MiB");
      value = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    }
    if (typeof value === "string") {
      if (exceedsUtf8Bytes(value, MAX_CALLBACK_BYTES))
        throw new CallbackError(name, "$", "is larger than 1 MiB");
      value = JSON.parse(value);
    }
    const problem = checkSchema(schema, value);
    if (problem) throw new CallbackError(name, pointerToField(problem.path), problem.message);
    return value as T;
  } catch (error) {
    if (error instanceof CallbackError) throw error;
    throw new CallbackError(
      name,
      "$",
      error instanceof SyntaxError ? "is not valid JSON" : "could not be read",
      {
        cause: error,
      },
    );
  }
}

/**
 * Parses the bill-payment callback POSTed to your `callBackUrl`.
 *
 * @throws CallbackError naming the field when the body is not the spec's shape.
 */
export function parseBillPaymentCallback(raw: CallbackBody): BillPaymentCallback {
  return parseWith<BillPaymentCallback>("Bill payment", callbackSchemas.billPaymentResult, raw);
}

/**
 * Parses the payout webhook POSTed to the URL set in the dashboard. Each line's result is in
 * `orderLines[].transactionOutcome` (`classifyLine` says what it means).
 *
 * @throws CallbackError naming the field when the body is not the spec's shape.
 */
export function parsePaymentOrderCallback(raw: CallbackBody): PaymentOrderCallback {
  return parseWith<PaymentOrderCallback>("Payout", callbackSchemas.paymentOrderResult, raw);
}

/**
 * Parses a callback POSTed to an express deposit's `CallBackUrl`: either of its two callbacks.
 *
 * @throws CallbackError naming the field when the body is neither shape.
 */
export function parseExpressDepositCallback(raw: CallbackBody): ExpressDepositCallback {
  return parseWith<ExpressDepositCallback>(
    "Express deposit",
    callbackSchemas.expressDepositResult,
    raw,
  );
}

/** Whether an express-deposit callback is the final one (the C2B IPN, with the receipt). */
export function isFinalExpressDepositCallback(
  event: ExpressDepositCallback,
): event is components["schemas"]["C2bIpn"] {
  return "OriginatorConversationId" in event;
}

/**
 * Parses the account-validation result POSTed to the request's `callBackUrl` (JSON format).
 *
 * @throws CallbackError naming the field when the body is not the spec's shape.
 */
export function parseAccountValidationCallback(raw: CallbackBody): AccountValidationCallback {
  return parseWith<AccountValidationCallback>(
    "Account validation",
    callbackSchemas.accountValidationResult,
    raw,
  );
}

/**
 * Parses the KYC result POSTed to the request's `kycRequestCallBackURL`.
 *
 * @throws CallbackError naming the field when the body is not the spec's shape.
 */
export function parseKycCallback(raw: CallbackBody): KycCallback {
  return parseWith<KycCallback>("KYC", callbackSchemas.kycResult, raw);
}

/**
 * Parses the airtime result POSTed to the purchase's `callBackUrl`.
 *
 * @throws CallbackError naming the field when the body is not the spec's shape.
 */
export function parseAirtimeCallback(raw: CallbackBody): AirtimeCallback {
  return parseWith<AirtimeCallback>("Airtime", callbackSchemas.airtimeResult, raw);
}

/**
 * Parses the checkout result POSTed to the order's `checkoutCallbackUrl`.
 *
 * @throws CallbackError naming the field when the body is not the spec's shape.
 */
export function parseCheckoutCallback(raw: CallbackBody): CheckoutCallback {
  return parseWith<CheckoutCallback>("Checkout", callbackSchemas.checkoutResult, raw);
}

export type CallbackResult<T> =
  /** Answer `status` (200) and act on `event`. */
  | { ok: true; status: 200; event: T }
  /** Answer `status` (400); `error` says what was wrong. */
  | { ok: false; status: 400; error: CallbackError };

/**
 * Framework-agnostic callback handling: raw body in, typed event (or the 400 to answer) out.
 *
 * @example
 * const result = readCallback(rawBody, parseBillPaymentCallback);
 * response.writeHead(result.status).end();
 * if (result.ok) await settle(result.event);
 */
export function readCallback<T>(
  raw: CallbackBody,
  parse: (raw: CallbackBody) => T,
): CallbackResult<T> {
  try {
    return { ok: true, status: 200, event: parse(raw) };
  } catch (error) {
    const callbackError =
      error instanceof CallbackError
        ? error
        : new CallbackError("Callback", "$", "could not be read", { cause: error });
    return { ok: false, status: 400, error: callbackError };
  }
}
