import type { Logger } from "../secrets/logger.js";
import {
  checkLogger,
  checkInteger,
  checkTokenCache,
  checkWellFormed,
  fail,
  MAX_TIMEOUT_MS,
  refuseBrowser,
} from "./option-checks.js";
import type { TokenCache } from "../auth/token-cache.js";
import { tokenBaseUrl } from "../auth/token-provider.js";
import { DEFAULT_MAX_RESPONSE_BYTES, type FetchLike } from "../pipeline/transport.js";
import { resolveRetry, type ResolvedRetry, type RetryOptions } from "../pipeline/retry.js";

/** Options of `createAlmaraPay`. */
export interface AlmaraPayOptions {
  /**
   * Scheme, host and port of the Almara Pay API, as given to you at onboarding. Required: the SDK
   * never guesses a production host. For the local sandbox, its `url`.
   */
  baseUrl: string;
  /** Client id issued at onboarding. */
  clientId: string;
  /** Client secret issued at onboarding. Never logged, never put in an error. */
  clientSecret: string;
  /**
   * OAuth scope issued at onboarding.
   * @default "PyPay_api"
   */
  scope?: string;
  /**
   * Token endpoint; it must end with `/connect/token`.
   * @default `${baseUrl}/connect/token`
   */
  tokenUrl?: string;
  /**
   * Timeout of each request in milliseconds, covering the whole answer. A call can override it
   * with its own `timeoutMs`.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * The longest answer read, in bytes; a call can pass its own `maxResponseBytes`. A longer answer
   * is cut off at the limit, never buffered whole, and becomes an `InvalidResponseError` (an
   * `AmbiguousOutcomeError` for a request that moves money).
   * @default 10485760 (10 MiB)
   */
  maxResponseBytes?: number;
  /**
   * How calls are retried, or `false` for never. Reads are retried on network errors and
   * 408/429/500/502/503/504; a POST only when it provably never reached the server (unless
   * `unsafe: true`). A call can pass its own `retry`.
   * @default { retries: 2, baseDelayMs: 250, maxDelayMs: 5000, maxRetryAfterMs: 30000, unsafe: false }
   */
  retry?: RetryOptions | false;
  /**
   * The fetch to use (a test double, or a fetch with a proxy agent). It is called with the
   * platform's `Request` and an `init` whose `signal` the timeout and the caller's abort use: a
   * wrapper must pass `init` on, or an abandoned request keeps its connection.
   * @default globalThis.fetch, looked up at each call
   */
  fetch?: FetchLike;
  /**
   * A cache shared by several processes, so that they share one token.
   * @default undefined (each client keeps its token in memory)
   */
  tokenCache?: TokenCache;
  /**
   * With a `tokenCache` that can lock: how long a process waits for the token another process is
   * requesting before it asks for its own. The lock lives this long too, so a process that
   * crashed while holding it delays the others by at most this much.
   * @default 10000
   */
  tokenLockWaitMs?: number;
  /**
   * Receives what the SDK does (token requests, 401 replays). Never given a secret or a token.
   * Each of `debug`, `info`, `warn`, `error` must be a function or absent.
   * @default undefined (silent)
   */
  logger?: Logger;
  /**
   * Allow a client where `window` and `document` exist. A client holds the client secret, and a
   * page hands it to every visitor: call the API from a server instead. Only for pages that are
   * not public (an internal tool behind a login on a trusted network).
   * @default false
   */
  dangerouslyAllowBrowser?: boolean;
}

export interface ResolvedOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  tokenUrl: string;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: ResolvedRetry;
  fetch: FetchLike;
  tokenCache: TokenCache | undefined;
  tokenLockWaitMs: number;
  logger: Logger | undefined;
  dangerouslyAllowBrowser: boolean;
}

function httpUrl(option: string, value: unknown): string {
  if (value === undefined || value === null || value === "")
    fail(option, "is required (an http or https URL)");
  if (typeof value !== "string") {
    fail(
      option,
      `must be a string, an http or https URL (for a URL object, pass its href), not ${typeof value}`,
    );
  }
  if (value.trim() !== value || /[\s\x00-\x1f\x7f]/.test(value))
    fail(option, "must not contain spaces or control characters");
  // A bare `?` or `#` leaves URL.search and URL.hash empty, yet every path would be appended after it.
  if (value.includes("?") || value.includes("#"))
    fail(option, "must not have a query string or fragment");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(option, "must be an http or https URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    fail(option, "must be an http or https URL");
  if (url.username || url.password)
    fail(option, "must not contain credentials; pass clientId and clientSecret");
  return value.replace(/\/+$/, "");
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "")
    fail(option, "is required (a non-empty string)");
  checkWellFormed(option, value);
  return value;
}

const OPTION_NAMES = new Set<string>([
  "baseUrl",
  "clientId",
  "clientSecret",
  "scope",
  "tokenUrl",
  "timeoutMs",
  "maxResponseBytes",
  "retry",
  "fetch",
  "tokenCache",
  "tokenLockWaitMs",
  "logger",
  "dangerouslyAllowBrowser",
] satisfies Array<keyof AlmaraPayOptions>);

/** Checks every option once, at construction, and fills in the defaults. */
export function resolveOptions(options: AlmaraPayOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("almara-pay: createAlmaraPay needs an options object");
  }
  // for…in: an inherited key is a key the caller passed too.
  for (const key in options) {
    if (!OPTION_NAMES.has(key))
      fail(key, "is not an option of createAlmaraPay (check its spelling)");
  }
  const baseUrl = httpUrl("baseUrl", options.baseUrl);
  const clientId = nonEmptyString("clientId", options.clientId);
  const clientSecret = nonEmptyString("clientSecret", options.clientSecret);
  const scope = options.scope === undefined ? "PyPay_api" : nonEmptyString("scope", options.scope);
  const tokenUrl =
    options.tokenUrl === undefined
      ? `${baseUrl}/connect/token`
      : httpUrl("tokenUrl", options.tokenUrl);
  if (tokenBaseUrl(tokenUrl) === undefined) {
    throw new RangeError("almara-pay: options.tokenUrl must end with /connect/token");
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs))
    fail("timeoutMs", "must be a number of milliseconds");
  if (!(timeoutMs > 0) || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(
      `almara-pay: options.timeoutMs must be between 1 and ${MAX_TIMEOUT_MS}, got ${timeoutMs}`,
    );
  }
  const maxResponseBytes = checkInteger(
    "maxResponseBytes",
    options.maxResponseBytes,
    DEFAULT_MAX_RESPONSE_BYTES,
  );
  if (options.fetch !== undefined && typeof options.fetch !== "function")
    fail("fetch", "must be a function");
  const tokenCache = checkTokenCache(options.tokenCache);
  const tokenLockWaitMs = checkInteger("tokenLockWaitMs", options.tokenLockWaitMs, 10_000);
  if (
    options.dangerouslyAllowBrowser !== undefined &&
    typeof options.dangerouslyAllowBrowser !== "boolean"
  )
    fail("dangerouslyAllowBrowser", "must be true or false");
  refuseBrowser(options.dangerouslyAllowBrowser === true);
  const logger = checkLogger(options.logger);
  const userFetch = options.fetch;
  return {
    baseUrl,
    clientId,
    clientSecret,
    scope,
    tokenUrl,
    timeoutMs,
    maxResponseBytes,
    retry: resolveRetry(options.retry),
    // Look globalThis.fetch up at each call, so a fetch installed later (a test interceptor) is used.
    fetch: userFetch ?? ((input, init) => globalThis.fetch(input, init)),
    tokenCache,
    tokenLockWaitMs,
    logger,
    dangerouslyAllowBrowser: options.dangerouslyAllowBrowser === true,
  };
}
