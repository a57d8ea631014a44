/**
 * The retrying `fetch`: exponential backoff with jitter, `Retry-After` honoured and capped.
 * Reads are retried; a request that changes state is resent only when it provably never reached
 * the server, or when the caller opts in with `retry: { unsafe: true }` (a payment is then resent
 * with the same `originatorConversationId`, never a new one). A money-moving request whose outcome
 * is unknown ends in an `AmbiguousOutcomeError`.
 */
import { sleep } from "./abort.js";
import {
  AmbiguousOutcomeError,
  isAlmaraPayError,
  isDuplicateIdBody,
  isInvalidResponseError,
  isNetworkError,
  isTimeoutError,
} from "../errors/index.js";
import type { Log } from "../secrets/logger.js";
import {
  deriveOperation,
  operationContextOf,
  setOperationContext,
  type OperationContext,
} from "./operation-context.js";
import {
  describeRequest,
  rebuildRequest,
  requestOption,
  type RequestInfo,
} from "./request-info.js";
import type { FetchLike } from "./exchange.js";
import { checkCallLimits } from "./transport.js";

/** How calls are retried. Every field is optional; unset fields keep the defaults. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 2 */
  retries?: number;
  /** First backoff delay; doubles with each retry, with jitter. @default 250 */
  baseDelayMs?: number;
  /** Longest backoff delay. @default 5000 */
  maxDelayMs?: number;
  /** Longest `Retry-After` honoured; an answer asking for longer is not retried. @default 30000 */
  maxRetryAfterMs?: number;
  /** Statuses retried for reads. @default [408, 429, 500, 502, 503, 504] */
  statuses?: readonly number[];
  /**
   * Also resend requests that change state (POST) after they may have reached the server. A payment
   * is resent with the same `originatorConversationId`, so the API refuses a second one as a
   * duplicate. @default false
   */
  unsafe?: boolean;
}

/** The defaults, in one place. */
export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = Object.freeze({
  retries: 2,
  baseDelayMs: 250,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30_000,
  statuses: Object.freeze([408, 429, 500, 502, 503, 504]),
  unsafe: false,
});

export type ResolvedRetry = Readonly<Required<RetryOptions>>;

/** The longest delay a timer can hold (2^31 - 1 ms). */
const MAX_DELAY_MS = 2_147_483_647;

/** The options a caller set (an explicit `undefined` keeps the base value). */
function withoutUndefined(options: RetryOptions): RetryOptions {
  const set: Record<string, unknown> = {};
  // for…in: inherited keys count, as they would for any reader of the object.
  for (const key in options) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) set[key] = value;
  }
  return set as RetryOptions;
}

/** Merges options over a base policy, checking each value; throws naming the bad option. */
export function resolveRetry(
  options: RetryOptions | false | undefined,
  base: ResolvedRetry = DEFAULT_RETRY,
  name = "options.retry",
): ResolvedRetry {
  if (options === false) return { ...base, retries: 0 };
  if (options === undefined) return base;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`almara-pay: ${name} must be an object or false`);
  }
  for (const key in options) {
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_RETRY, key)) {
      throw new TypeError(
        `almara-pay: ${name}.${key} is not a retry option (known: ${Object.keys(DEFAULT_RETRY).join(", ")})`,
      );
    }
  }
  const merged = { ...base, ...withoutUndefined(options) };
  if (
    typeof merged.retries !== "number" ||
    !Number.isInteger(merged.retries) ||
    merged.retries < 0 ||
    merged.retries > 10
  ) {
    throw new RangeError(
      `almara-pay: ${name}.retries must be an integer from 0 to 10, got ${String(merged.retries)}`,
    );
  }
  for (const key of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs"] as const) {
    const value = merged[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_DELAY_MS) {
      throw new RangeError(
        `almara-pay: ${name}.${key} must be a number from 0 to ${MAX_DELAY_MS}, got ${String(value)}`,
      );
    }
  }
  if (typeof merged.unsafe !== "boolean") {
    throw new TypeError(
      `almara-pay: ${name}.unsafe must be true or false, got ${typeof merged.unsafe}`,
    );
  }
  if (
    !Array.isArray(merged.statuses) ||
    merged.statuses.some((s) => !Number.isInteger(s) || s < 400 || s > 599)
  ) {
    throw new TypeError(
      `almara-pay: ${name}.statuses must be a list of HTTP error statuses (400 to 599)`,
    );
  }
  return Object.freeze({ ...merged, statuses: Object.freeze([...merged.statuses]) });
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), if it is valid. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoffMs(policy: ResolvedRetry, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return ceiling / 2 + Math.random() * (ceiling / 2); // "equal jitter": never zero, never more than the ceiling
}

/** How one send ended. */
export type Outcome = { response: Response } | { error: unknown };
type Context = OperationContext | undefined;

function copyWithBody(request: Request, body: ArrayBuffer | string, context: Context): Request {
  const attempt = rebuildRequest(request, body);
  if (context) setOperationContext(attempt, context);
  return attempt;
}

export interface RetryingFetchOptions {
  /** The policy calls use unless they pass their own `retry`. */
  policy: ResolvedRetry;
  /** Told of each retry. @default undefined (silent) */
  log?: Log;
  /**
   * The path of the client's base URL (`/api` for `https://host/api`), to recognise an operation
   * from a Request that carries no context. @default "" (recognised by how its path ends)
   */
  basePath?: string;
}

/** What the retry loop knows of a call. */
export interface Attempts {
  policy: ResolvedRetry;
  /** The body resends are built from: the text the SDK's client serialized, or bytes read. */
  body: string | ArrayBuffer | undefined;
  /** The first attempt's Request still carries its body, unread. */
  unread: boolean;
  operation: OperationContext | undefined;
  /** An earlier send of this call reached the server (this is the 401 replay). */
  resend: boolean;
  /** The caller's signal, when the call passed one. */
  signal: AbortSignal | undefined;
  log: Log | undefined;
  /** Names the request, for log lines and errors (called only when one needs it). */
  describe: () => RequestInfo;
}

/**
 * The retrying `fetch` for clients users assemble from the building blocks: the call's policy,
 * operation and body read from the Request (its per-call options, its context, its body read
 * once), then the same loop the SDK's client runs.
 */
export function createRetryingFetch(inner: FetchLike, options: RetryingFetchOptions): FetchLike {
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    checkCallLimits(request); // a bad per-call option is a usage error, thrown before any send
    const perCall = requestOption<RetryOptions | false>(request, "retry");
    const policy =
      perCall === undefined
        ? options.policy
        : resolveRetry(perCall, options.policy, "the request's retry");
    let context = operationContextOf(request);
    // The body is read once, here: every attempt is built from it.
    const body = request.body ? await request.arrayBuffer() : undefined;
    // A middleware of the caller's may have replaced the Request the idempotency middleware
    // tagged: read it again.
    if (!context) {
      context = deriveOperation(request, options.basePath ?? "", body);
      if (context) setOperationContext(request, context);
    }
    const signal = context?.first?.signal ?? request.signal;
    let named: RequestInfo | undefined;
    return sendWithRetries(
      request,
      {
        policy,
        body,
        unread: false,
        operation: context,
        resend: context?.resend === true,
        signal,
        log: options.log,
        describe: () => (named ??= describeRequest(request)),
      },
      inner,
    );
  };
}

/**
 * Sends a call, retrying as its policy allows: a fresh Request per attempt when it has a body
 * (sending consumes one), the first sent as it is.
 */
export async function sendWithRetries(
  request: Request,
  attempts: Attempts,
  send: (attempt: Request) => Promise<Response>,
  firstOutcome?: Outcome,
): Promise<Response> {
  const { policy, body, unread, operation: context, signal, describe } = attempts;
  const method = request.method;
  const idempotent = IDEMPOTENT_METHODS.has(method);

  // Whether an earlier send of this call reached the server (a 401 replay always follows one,
  // and every attempt but a provably unsent one counts): a duplicate refusal then means it
  // landed. And whether one of them may have landed without our knowing (no answer, a 5xx):
  // then only a success settles the call. A 4xx earlier answer was a refusal, known.
  let sentBefore = attempts.resend;
  let unknownBefore = false;
  const ambiguous = (outcome: Outcome, why = describeOutcome(outcome), recorded = false) => {
    const status = "response" in outcome ? outcome.response.status : undefined;
    return new AmbiguousOutcomeError(
      {
        method,
        path: describe().path,
        originatorConversationId: context?.originatorConversationId,
        ...(status ? { status } : {}),
        recorded,
        why,
      },
      "error" in outcome ? { cause: outcome.error } : {},
    );
  };

  for (let retry = 0; ; retry++) {
    const sent = retry === 0 && firstOutcome !== undefined; // the first send, made by the caller
    if (signal?.aborted && !sent) {
      if (context?.moneyMoving && unknownBefore) {
        throw ambiguous({ error: signal.reason }, "the call was aborted");
      }
      throw signal.reason;
    }
    let outcome: Outcome;
    if (sent) {
      outcome = firstOutcome;
    } else {
      // A request without a body can be sent as it is, again and again; one with a body needs a
      // fresh Request per attempt, since sending consumes it.
      const attempt =
        body === undefined || (unread && retry === 0)
          ? request
          : copyWithBody(request, body, context);
      try {
        outcome = { response: await send(attempt) };
      } catch (error) {
        outcome = { error };
      }
    }

    // Aborted while this attempt was under way: it may have been sent. The abort's reason is
    // the caller's (it may even be another call's error), never this call's outcome.
    if ("error" in outcome && signal?.aborted && outcome.error === signal.reason) {
      if (context?.moneyMoving) throw ambiguous(outcome, "the call was aborted");
      throw signal.reason;
    }

    // The API refused a repeated send of this call as a duplicate: an earlier send landed.
    if (sentBefore && (await refusedAsDuplicate(outcome, context))) {
      throw ambiguous(
        outcome,
        "an earlier send of this request was recorded: the API refused the resend as a duplicate",
        true,
      );
    }

    const wait =
      retry < policy.retries ? retryDelay(outcome, policy, retry, idempotent) : undefined;
    if (wait !== undefined) {
      attempts.log?.(
        "info",
        `${method} ${describe().path} failed (${describeOutcome(outcome)}); retry ${retry + 1} of ${policy.retries} in ${Math.round(wait)} ms`,
      );
      if ("response" in outcome) await outcome.response.body?.cancel().catch(() => undefined);
      sentBefore ||= mayHaveReachedServer(outcome);
      unknownBefore ||= isAmbiguous(outcome);
      try {
        await sleep(wait, signal);
      } catch (reason) {
        // Aborted while waiting: a money-moving send that may have landed stays unknown.
        if (context?.moneyMoving && unknownBefore) {
          throw ambiguous({ error: reason }, "the call was aborted before it could be resent");
        }
        throw reason;
      }
      continue;
    }
    // After a send that may have landed unknown to us, only a success settles a payment:
    // anything else (a 4xx, a refused connection) says nothing of the earlier send.
    if (context?.moneyMoving && (isAmbiguous(outcome) || (unknownBefore && !succeeded(outcome)))) {
      throw ambiguous(outcome);
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.response;
  }
}

function succeeded(outcome: Outcome): boolean {
  return "response" in outcome && outcome.response.ok;
}

/** True unless the outcome proves the request never reached the server. */
function mayHaveReachedServer(outcome: Outcome): boolean {
  return !("error" in outcome && isNetworkError(outcome.error) && !outcome.error.requestSent);
}

/** True for a 400 that refuses the request's `originatorConversationId` as a duplicate. */
async function refusedAsDuplicate(outcome: Outcome, context: Context): Promise<boolean> {
  if (!("response" in outcome) || outcome.response.status !== 400) return false;
  if (context?.originatorConversationId === undefined) return false;
  try {
    return isDuplicateIdBody(await outcome.response.clone().json());
  } catch {
    return false;
  }
}

/** How long to wait before retrying, or undefined when this outcome is final. */
function retryDelay(
  outcome: Outcome,
  policy: ResolvedRetry,
  retry: number,
  idempotent: boolean,
): number | undefined {
  if ("error" in outcome) {
    const { error } = outcome;
    if (isNetworkError(error) && !error.requestSent) return backoffMs(policy, retry);
    if ((isNetworkError(error) || isTimeoutError(error)) && (idempotent || policy.unsafe))
      return backoffMs(policy, retry);
    return undefined;
  }
  const { response } = outcome;
  if (response.ok || !policy.statuses.includes(response.status) || !(idempotent || policy.unsafe))
    return undefined;
  const asked = retryAfterMs(response.headers.get("retry-after"));
  if (asked === undefined) return backoffMs(policy, retry);
  return asked <= policy.maxRetryAfterMs ? asked : undefined;
}

/**
 * A money-moving request's outcome is unknown unless it was refused (4xx) or never sent. A 3xx
 * is unknown too: a POST answered "see other" may well have been carried out.
 */
function isAmbiguous(outcome: Outcome): boolean {
  if ("response" in outcome) {
    const { status } = outcome.response;
    return status >= 500 || (status >= 300 && status < 400);
  }
  const { error } = outcome;
  if (isNetworkError(error)) return error.requestSent;
  return isTimeoutError(error) || isInvalidResponseError(error) || !isAlmaraPayError(error);
}

function describeOutcome(outcome: Outcome): string {
  if ("response" in outcome) return `HTTP ${outcome.response.status}`;
  const { error } = outcome;
  if (isTimeoutError(error)) return `timed out after ${error.timeoutMs} ms`;
  if (isNetworkError(error)) return "the connection failed";
  if (isInvalidResponseError(error)) return "the answer could not be read";
  return "the call was aborted";
}
