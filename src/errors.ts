/**
 * The SDK's one error hierarchy. HTTP errors from the API stay `{ error }` values, as in
 * openapi-fetch; these classes are thrown for transport failures, token failures and by `unwrap()`.
 * Nothing here ever holds the client secret or an access token (see redact.ts).
 */
import { redactCause, redactText, redactValue } from "./redact.js";

/** Marks the SDK's errors; `Symbol.for` makes it the same symbol in every realm. */
const BRAND = Symbol.for("almara-pay.error");

export interface AlmaraPayErrorOptions {
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class AlmaraPayError extends Error {
  declare readonly [BRAND]: true;

  constructor(message: string, options: AlmaraPayErrorOptions = {}) {
    super(redactText(message));
    Object.defineProperty(this, BRAND, { value: true });
    Object.defineProperty(this, "name", { value: new.target.name, enumerable: false });
    if ("cause" in options) {
      Object.defineProperty(this, "cause", {
        value: redactCause(options.cause),
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }

  /** What `JSON.stringify` shows: the name, the message and the error's own fields. */
  toJSON(): Record<string, unknown> {
    const fields = { ...this } as Record<string, unknown>;
    return { name: this.name, message: this.message, ...fields };
  }
}

/** Reason phrases for answers that carry none (HTTP/2 has no status text). */
const REASON_PHRASES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The three error bodies the API sends, told apart. */
export type ApiErrorKind = "problem" | "domain" | "oauth" | "unknown";

export interface ApiErrorInit {
  originatorConversationId?: string | undefined;
  status: number;
  statusText?: string;
  method: string;
  path: string;
  body: unknown;
  headers?: Headers;
}

/** An HTTP error answer of the API (4xx or 5xx), as thrown by `unwrap()`. */
export class ApiError extends AlmaraPayError {
  /** HTTP status. */
  readonly status: number;
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request, without the query string. */
  readonly path: string;
  /** Which error shape the body has. */
  readonly kind: ApiErrorKind;
  /** The parsed body (scrubbed of secrets). */
  readonly body: unknown;
  /** ProblemDetails `traceId`, when the body has one. */
  readonly traceId: string | undefined;
  /** `x-request-id` / `request-id` response header, when present. */
  readonly requestId: string | undefined;
  /** ProblemDetails validation errors: field → messages. */
  readonly fieldErrors: Readonly<Record<string, readonly string[]>> | undefined;
  /** Domain-error `reason`, or OAuth `error`, when the body has one. */
  readonly reason: string | undefined;
  /** The `originatorConversationId` the request carried, if it had one. */
  readonly originatorConversationId: string | undefined;

  constructor(init: ApiErrorInit, options: AlmaraPayErrorOptions = {}) {
    const parsed = parseErrorBody(init.body);
    const phrase = init.statusText || REASON_PHRASES[init.status];
    const status = `${init.status}${phrase ? ` ${phrase}` : ""}`;
    const detail = parsed.summary ? `: ${parsed.summary}` : "";
    super(`${init.method} ${init.path} failed with ${status}${detail}`, options);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.kind = parsed.kind;
    this.body = redactValue(init.body);
    this.traceId = parsed.traceId;
    this.requestId =
      init.headers?.get("x-request-id") ?? init.headers?.get("request-id") ?? undefined;
    this.fieldErrors = parsed.fieldErrors;
    this.reason = parsed.reason === undefined ? undefined : redactText(parsed.reason);
    this.originatorConversationId = init.originatorConversationId;
  }
}

/** The token endpoint refused or failed; no API call was made. */
export class AuthenticationError extends AlmaraPayError {
  /** OAuth error code (`invalid_client`, `invalid_grant`, …) when the endpoint sent one. */
  readonly oauthError: string | undefined;
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;

  constructor(
    message: string,
    init: { oauthError?: string | undefined; status?: number | undefined } = {},
    options: AlmaraPayErrorOptions = {},
  ) {
    super(message, options);
    this.oauthError = init.oauthError;
    this.status = init.status;
  }
}

/** Error codes that prove the request never left: nothing was connected to send it to. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** True when an error's cause chain shows the connection was never made. */
function neverConnected(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    if (NOT_SENT_CODES.has(String((e as { code?: unknown }).code))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The request never got an answer: DNS, refused or reset connection, TLS… */
export class NetworkError extends AlmaraPayError {
  readonly method: string;
  readonly path: string;
  /**
   * False when the request provably never reached the server (the connection was refused or the
   * host could not be resolved); true when it may have.
   */
  readonly requestSent: boolean;

  constructor(method: string, path: string, options: AlmaraPayErrorOptions = {}) {
    const why = options.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(`${method} ${path} failed before an answer arrived${why}`, options);
    this.method = method;
    this.path = path;
    this.requestSent = !neverConnected(options.cause);
  }
}

/** A 2xx answer whose body is not the JSON the operation returns (empty, truncated, HTML…). */
export class InvalidResponseError extends AlmaraPayError {
  readonly method: string;
  readonly path: string;
  readonly status: number;

  constructor(
    method: string,
    path: string,
    status: number,
    problem: string,
    options: AlmaraPayErrorOptions = {},
  ) {
    super(`${method} ${path} answered ${status} with ${problem}`, options);
    this.method = method;
    this.path = path;
    this.status = status;
  }
}

/**
 * A money-moving request was sent but its outcome is unknown (timeout, dropped connection, 5xx,
 * unreadable answer). The payment may or may not have been made: look it up by
 * `originatorConversationId` (`findPaymentOutcome`) before doing anything else. Never resend it
 * under a new id.
 */
export class AmbiguousOutcomeError extends AlmaraPayError {
  readonly method: string;
  readonly path: string;
  /** The id the payment was sent with: the key to look it up. */
  readonly originatorConversationId: string | undefined;
  /** HTTP status, when the server answered (5xx). */
  readonly status: number | undefined;

  constructor(
    init: {
      method: string;
      path: string;
      originatorConversationId: string | undefined;
      status?: number;
      why: string;
    },
    options: AlmaraPayErrorOptions = {},
  ) {
    const id = init.originatorConversationId ?? "(none)";
    super(
      `${init.method} ${init.path} may or may not have been processed (${init.why}); ` +
        `look it up by originatorConversationId ${id} before retrying`,
      options,
    );
    this.method = init.method;
    this.path = init.path;
    this.originatorConversationId = init.originatorConversationId;
    this.status = init.status;
  }
}

/** No complete answer arrived within the timeout. */
export class TimeoutError extends AlmaraPayError {
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;

  constructor(
    method: string,
    path: string,
    timeoutMs: number,
    options: AlmaraPayErrorOptions = {},
  ) {
    super(`${method} ${path} timed out after ${timeoutMs} ms`, options);
    this.method = method;
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

/** A callback body that is not what the spec says it is; `field` names where. */
export class CallbackError extends AlmaraPayError {
  /** The offending field as a dotted path (`amount`, `message.remarks`), or `$` for the whole body. */
  readonly field: string;
  readonly reason: string;

  constructor(
    callback: string,
    field: string,
    reason: string,
    options: AlmaraPayErrorOptions = {},
  ) {
    super(
      `${callback} callback rejected: ${field === "$" ? "the body" : field} ${reason}`,
      options,
    );
    this.field = field;
    this.reason = reason;
  }
}

/** True for a `CallbackError`, from any realm. */
export function isCallbackError(value: unknown): value is CallbackError {
  return isBranded(value) && value.name === "CallbackError";
}

/** True for an `AmbiguousOutcomeError`, from any realm. */
export function isAmbiguousOutcomeError(value: unknown): value is AmbiguousOutcomeError {
  return isBranded(value) && value.name === "AmbiguousOutcomeError";
}
/** True for an `InvalidResponseError`, from any realm. */
export function isInvalidResponseError(value: unknown): value is InvalidResponseError {
  return isBranded(value) && value.name === "InvalidResponseError";
}

function isBranded(value: unknown): value is AlmaraPayError {
  return (
    typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  );
}

/** True for any error the SDK throws, from any realm. */
export function isAlmaraPayError(value: unknown): value is AlmaraPayError {
  return isBranded(value);
}
/** True for an `ApiError`, from any realm. */
export function isApiError(value: unknown): value is ApiError {
  return isBranded(value) && value.name === "ApiError";
}
/** True for an `AuthenticationError`, from any realm. */
export function isAuthenticationError(value: unknown): value is AuthenticationError {
  return isBranded(value) && value.name === "AuthenticationError";
}
/** True for a `NetworkError`, from any realm. */
export function isNetworkError(value: unknown): value is NetworkError {
  return isBranded(value) && value.name === "NetworkError";
}
/** True for a `TimeoutError`, from any realm. */
export function isTimeoutError(value: unknown): value is TimeoutError {
  return isBranded(value) && value.name === "TimeoutError";
}

interface ParsedErrorBody {
  kind: ApiErrorKind;
  summary?: string;
  traceId?: string;
  reason?: string;
  fieldErrors?: Record<string, string[]>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Recognises ProblemDetails, the domain error `{ appDomainName, timestamp, reason }` and OAuth errors. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  if (!isRecord(body)) return { kind: "unknown" };
  if (typeof body.reason === "string" && "appDomainName" in body) {
    return { kind: "domain", summary: body.reason, reason: body.reason };
  }
  if (Array.isArray(body.errors) && "appDomainName" in body) {
    // The domain validation error: errors is a list of { field, message }.
    const fieldErrors: Record<string, string[]> = {};
    for (const entry of body.errors as unknown[]) {
      if (!isRecord(entry)) continue;
      const field = String(entry.field ?? "");
      (fieldErrors[field] ??= []).push(String(entry.message ?? ""));
    }
    const summary = Object.values(fieldErrors).flat().join("; ");
    return { kind: "domain", ...(summary ? { summary, reason: summary } : {}), fieldErrors };
  }
  if (typeof body.error === "string") {
    const description =
      typeof body.error_description === "string" ? ` (${body.error_description})` : "";
    return { kind: "oauth", summary: `${body.error}${description}`, reason: body.error };
  }
  if (typeof body.title === "string" || isRecord(body.errors)) {
    const fieldErrors = isRecord(body.errors)
      ? Object.fromEntries(
          Object.entries(body.errors).map(([field, messages]) => [
            field,
            Array.isArray(messages) ? messages.map(String) : [String(messages)],
          ]),
        )
      : undefined;
    const fields = fieldErrors
      ? Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      : [];
    const summary = fields.length > 0 ? fields.join("; ") : (body.title as string | undefined);
    return {
      kind: "problem",
      ...(summary === undefined ? {} : { summary }),
      ...(typeof body.traceId === "string" ? { traceId: body.traceId } : {}),
      ...(fieldErrors ? { fieldErrors } : {}),
    };
  }
  return { kind: "unknown" };
}
