/** Checks shared by `createAlmaraPay` and the building blocks it is made of. */
import type { Logger } from "../secrets/logger.js";
import type { TokenCache } from "../auth/token-cache.js";

/** The longest delay a timer can hold (2^31 - 1 ms). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Throws a `TypeError` naming the option (`options.logger.warn must be a function…`). */
export function fail(option: string, problem: string): never {
  throw new TypeError(`almara-pay: options.${option} ${problem}`);
}

/** A string with no lone surrogate (it could not be form-encoded or sent). */
export function checkWellFormed(option: string, value: string): void {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value))
    fail(option, "must be well-formed text (it holds a lone UTF-16 surrogate)");
}

/** An integer from 1 to the timer limit (or `undefined`: the default). */
export function checkInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_TIMEOUT_MS
  ) {
    throw new RangeError(
      `almara-pay: options.${option} must be an integer from 1 to ${MAX_TIMEOUT_MS}, got ${typeof value === "number" ? String(value) : typeof value}`,
    );
  }
  return value;
}

/** A whole number of milliseconds from `min` to the timer limit (or `undefined`: the default). */
export function checkMs(
  option: string,
  value: unknown,
  fallback: number,
  min = 1,
  unit = "milliseconds",
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < min ||
    value > MAX_TIMEOUT_MS
  ) {
    throw new RangeError(
      `almara-pay: options.${option} must be a number of ${unit} from ${min} to ${MAX_TIMEOUT_MS}, got ${typeof value === "number" ? String(value) : typeof value}`,
    );
  }
  return value;
}

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/**
 * The logger's methods, read once: each must be a function or absent. The copy is bound to the
 * caller's logger, so a getter that throws later cannot reach a call.
 */
export function checkLogger(logger: unknown): Logger | undefined {
  if (logger === undefined) return undefined;
  if (typeof logger !== "object" || logger === null)
    fail("logger", "must be an object with debug/info/warn/error methods");
  const methods: Logger = {};
  for (const level of LOG_LEVELS) {
    let method: unknown;
    try {
      method = (logger as Record<string, unknown>)[level];
    } catch {
      fail(`logger.${level}`, "could not be read");
    }
    if (method === undefined) continue;
    if (typeof method !== "function")
      fail(`logger.${level}`, `must be a function, got ${typeof method}`);
    methods[level] = (method as (...args: unknown[]) => void).bind(logger);
  }
  return Object.freeze(methods);
}

export function checkTokenCache(cache: unknown): TokenCache | undefined {
  if (cache === undefined) return undefined;
  const problem = "must be an object with get(key) and set(key, token, ttlMs) methods";
  if (typeof cache !== "object" || cache === null) fail("tokenCache", problem);
  const methods = cache as Record<string, unknown>;
  if (typeof methods.get !== "function" || typeof methods.set !== "function")
    fail("tokenCache", problem);
  for (const optional of ["delete", "lock"]) {
    if (methods[optional] !== undefined && typeof methods[optional] !== "function")
      fail(`tokenCache.${optional}`, "must be a function when present");
  }
  return cache as TokenCache;
}

/**
 * A client holds the client secret: in a page, every visitor could read it. Refused where
 * `window` and `document` exist unless the caller says they know (`dangerouslyAllowBrowser`).
 */
export function refuseBrowser(allowed: boolean, what = "createAlmaraPay"): void {
  const scope = globalThis as { window?: unknown; document?: unknown };
  if (allowed || typeof scope.window === "undefined" || typeof scope.document === "undefined")
    return;
  throw new TypeError(
    `almara-pay: ${what} was called in a browser, where every visitor could read the client secret. ` +
      "Call the API from your server (a small proxy that holds the secret), or pass dangerouslyAllowBrowser: true if this page is not public",
  );
}

/**
 * Refuses option keys the function does not know (a misspelt `leaseMS` would be ignored),
 * inherited ones included.
 *
 * @example
 * checkOptionKeys("createRedisDeliveryGuard", options, ["command", "keyPrefix"]);
 */
export function checkOptionKeys(name: string, options: object, known: readonly string[]): void {
  for (const key in options) {
    if (!known.includes(key)) {
      throw new TypeError(
        `almara-pay: ${name} options.${key} is not an option (known: ${known.join(", ")})`,
      );
    }
  }
}
