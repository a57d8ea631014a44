/**
 * The transport as a `fetch` of its own, for clients users assemble from the building blocks:
 * each Request is sent by `exchange` (a fresh timeout, the caller's signal respected, the whole
 * answer read within the timeout and within `maxResponseBytes`, typed failures), with the per-call
 * options openapi-fetch copied onto it. The SDK's own client calls `exchange` directly.
 */
import { exchange, type FetchLike } from "./exchange.js";
import { operationContextOf } from "./operation-context.js";
import { describeRequest, requestOption } from "./request-info.js";

export type { FetchLike };

/** The longest answer read by default: 10 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface TransportOptions {
  /** The underlying fetch. */
  fetch: FetchLike;
  /** Timeout of each request, unless the call passes its own `timeoutMs`. */
  timeoutMs: number;
  /**
   * The longest answer read, unless the call passes its own `maxResponseBytes`; a longer one is
   * cut off there and becomes an `InvalidResponseError`. @default 10485760 (10 MiB)
   */
  maxResponseBytes?: number;
}

/**
 * A call's own `timeoutMs` or `maxResponseBytes`, checked as the client's are (a timeout is any
 * positive number of milliseconds a timer can hold, a size a whole number of bytes); a
 * `RangeError` naming it otherwise.
 */
export function checkCallLimit(
  key: "timeoutMs" | "maxResponseBytes",
  value: unknown,
): number | undefined {
  if (value === undefined) return undefined;
  const whole = key === "maxResponseBytes";
  if (
    typeof value !== "number" ||
    !(value > 0) ||
    value > 2 ** 31 - 1 ||
    (whole && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `almara-pay: the call's ${key} must be ${whole ? "an integer" : "a number"} from 1 to ${2 ** 31 - 1}, got ${String(value)}`,
    );
  }
  return value;
}

/** Checks the per-call limits openapi-fetch copied onto a Request (before any send). */
export function checkCallLimits(request: Request): void {
  checkCallLimit("timeoutMs", requestOption(request, "timeoutMs"));
  checkCallLimit("maxResponseBytes", requestOption(request, "maxResponseBytes"));
}

export function createTransport(options: TransportOptions): FetchLike {
  const defaultLimit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const context = operationContextOf(request);
    let named: ReturnType<typeof describeRequest> | undefined;
    return exchange(request, {
      fetch: options.fetch,
      timeoutMs:
        checkCallLimit("timeoutMs", requestOption(request, "timeoutMs")) ?? options.timeoutMs,
      maxResponseBytes:
        checkCallLimit("maxResponseBytes", requestOption(request, "maxResponseBytes")) ??
        defaultLimit,
      signal: request.signal,
      expectJson: context?.expectJson,
      describe: () => (named ??= describeRequest(request, context)),
    });
  };
}
