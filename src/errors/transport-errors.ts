/** What went wrong between the SDK and the API: no answer, no answer in time, an unreadable answer. */
import { redactFields } from "../secrets/redact.js";
import { AlmaraPayError, type AlmaraPayErrorKind, type AlmaraPayErrorOptions } from "./base.js";

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
  try {
    for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
      e = (e as { cause?: unknown }).cause;
    }
  } catch {
    // a cause whose getters throw proves nothing
  }
  return false;
}

/** `: <the cause's message>`, or nothing when there is none or it cannot be read. */
function causeMessage(cause: unknown): string {
  try {
    const message = cause instanceof Error ? cause.message : undefined;
    return typeof message === "string" ? `: ${message}` : "";
  } catch {
    return "";
  }
}

/** The request never got an answer: DNS, refused or reset connection, TLS… */
export class NetworkError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "NetworkError";
  readonly method: string;
  readonly path: string;
  /**
   * False when the request provably never reached the server (the connection was refused or the
   * host could not be resolved); true when it may have.
   */
  readonly requestSent: boolean;

  constructor(method: string, path: string, options: AlmaraPayErrorOptions = {}) {
    const why = causeMessage(options.cause);
    super(`${method} ${path} failed before an answer arrived${why}`, options);
    this.method = method;
    this.path = path;
    this.requestSent = !neverConnected(options.cause);
    redactFields(this);
  }
}

/**
 * An answer the SDK cannot read: a 2xx whose body is not the JSON the operation returns (empty,
 * truncated, HTML, text, XML…), or any answer longer than `maxResponseBytes`.
 */
export class InvalidResponseError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "InvalidResponseError";
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
    redactFields(this);
  }
}

/** No complete answer arrived within the timeout. */
export class TimeoutError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "TimeoutError";
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
    redactFields(this);
  }
}
