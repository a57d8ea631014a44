/** Errors made from the API's HTTP error answers (thrown by `unwrap()`). */
import { redactFields } from "../secrets/redact.js";
import { AlmaraPayError, type AlmaraPayErrorKind, type AlmaraPayErrorOptions } from "./base.js";
import { parseErrorBody, type ApiErrorKind } from "./error-body.js";

/** Reason phrases for answers that carry none (HTTP/2 has no status text). */
const REASON_PHRASES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export interface ApiErrorInit {
  originatorConversationId?: string | undefined;
  status: number;
  statusText?: string;
  method: string;
  path: string;
  body: unknown;
  headers?: Headers;
}

/** `400 Bad Request`, from the status and its reason phrase. */
export function statusLine(status: number, statusText?: string): string {
  const phrase = statusText || REASON_PHRASES[status];
  return `${status}${phrase ? ` ${phrase}` : ""}`;
}

function requestIdOf(headers: Headers | undefined): string | undefined {
  return headers?.get("x-request-id") ?? headers?.get("request-id") ?? undefined;
}

/** An HTTP error answer of the API (4xx or 5xx), as thrown by `unwrap()`. */
export class ApiError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "ApiError";
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
    const detail = parsed.summary ? `: ${parsed.summary}` : "";
    super(
      `${init.method} ${init.path} failed with ${statusLine(init.status, init.statusText)}${detail}`,
      options,
    );
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.kind = parsed.kind;
    this.body = init.body; // copied and scrubbed by redactFields below
    this.traceId = parsed.traceId;
    this.requestId = requestIdOf(init.headers);
    this.fieldErrors = parsed.fieldErrors;
    this.reason = parsed.reason;
    this.originatorConversationId = init.originatorConversationId;
    redactFields(this);
  }
}

/**
 * The API refused a request because it already holds a transaction with the same
 * `originatorConversationId`. This send changed nothing, but the id is taken: a transaction under
 * it was recorded earlier (your earlier send of the same intent, or a reused id). Look it up
 * (`findPaymentOutcome` and its kin) for its result. Not an `ApiError`: it is no plain refusal.
 */
export class DuplicateIdError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "DuplicateIdError";
  /** HTTP status (400). */
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** The id the API already holds. */
  readonly originatorConversationId: string | undefined;
  /** The parsed body (scrubbed of secrets). */
  readonly body: unknown;
  /** `x-request-id` / `request-id` response header, when present. */
  readonly requestId: string | undefined;

  constructor(init: ApiErrorInit, options: AlmaraPayErrorOptions = {}) {
    const id = init.originatorConversationId ?? "(unknown)";
    super(
      `${init.method} ${init.path} was refused as a duplicate: the API already holds a ` +
        `transaction with originatorConversationId ${id}. This send changed nothing; look that ` +
        `transaction up for its result, and never resend the intent under a new id`,
      options,
    );
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.originatorConversationId = init.originatorConversationId;
    this.body = init.body; // copied and scrubbed by redactFields below
    this.requestId = requestIdOf(init.headers);
    redactFields(this);
  }
}
