/**
 * The `fetch` the SDK hands to openapi-fetch: a fresh timeout per request, the caller's signal
 * respected, the whole answer read within the timeout and within `maxResponseBytes` (and handed on
 * as a buffered Response), and failures thrown as typed errors.
 */
import { InvalidResponseError, NetworkError, TimeoutError } from "../errors/index.js";
import { adoptResponse, bufferedResponse, type Decoded } from "./buffered-response.js";
import { operationContextOf } from "./operation-context.js";
import { describeRequest, requestOption, tagResponse } from "./request-info.js";
import { holdsSecret, redactText, redactValue } from "../secrets/redact.js";

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

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

const utf8 = new TextDecoder();

/** Statuses whose Response must have no body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Checks a call's own `timeoutMs` and `maxResponseBytes` (the client's were checked at
 * construction), throwing a `RangeError` that names the bad one.
 */
export function checkCallLimits(request: Request): void {
  perCall(request, "timeoutMs");
  perCall(request, "maxResponseBytes");
}

function perCall(request: Request, key: "timeoutMs" | "maxResponseBytes"): number | undefined {
  const value = requestOption<unknown>(request, key);
  if (value === undefined) return undefined;
  // As the client's own options are checked: a timeout is any positive number of milliseconds
  // a timer can hold, a size a whole number of bytes.
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

export function createTransport(options: TransportOptions): FetchLike {
  const defaultLimit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const context = operationContextOf(request);
    // Named only when an error needs it.
    let named: { method: string; path: string } | undefined;
    const name = () => (named ??= describeRequest(request));
    const timeoutMs = perCall(request, "timeoutMs") ?? options.timeoutMs;
    const limit = perCall(request, "maxResponseBytes") ?? defaultLimit;
    // One controller per request, aborted by the timer or by the caller's signal; `stopped`
    // rejects at that moment, so a fetch or a body that ignores the signal cannot outlive it.
    // (AbortSignal.any and listeners on our own signal showed in profiles of the per-call cost.)
    const controller = new AbortController();
    let timedOut = false;
    let stop!: (reason: unknown) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      stop(controller.signal.reason);
    }, timeoutMs);
    // The signal to follow: the caller's when the SDK's client says which (none: no listener at
    // all), else the Request's own.
    const watched = context?.callerSignal !== undefined ? context.callerSignal : request.signal;
    const onCallerAbort = () => {
      controller.abort(watched!.reason);
      stop(watched!.reason);
    };
    if (watched?.aborted) onCallerAbort();
    else watched?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      const answer = await Promise.race([
        options.fetch(request, { signal: controller.signal }),
        stopped,
      ]);
      // Read the whole body here, so a body that stalls is covered by the timeout too.
      const read = await readBody(answer, limit, stopped, name);
      // An error answer becomes the caller's `{ error }` value: one that echoes a secret is scrubbed.
      const refused = answer.status >= 400;
      const bytes = refused ? redactBytes(read) : read;
      const statusText = refused ? redactText(answer.statusText) : answer.statusText;
      const headers = refused ? redactHeaders(answer.headers) : answer.headers;
      const decoded = checkJsonBody(answer, bytes, name, context?.expectJson);
      const declared = answer.headers.get("content-length");
      const response = NULL_BODY_STATUSES.has(answer.status)
        ? emptyResponse({ status: answer.status, statusText, headers })
        : // The fetch's own Response, served from the bytes read, unless something about it had to
          // change (a scrubbed secret, a declared length that lies about an empty body).
          (bytes === read &&
            statusText === answer.statusText &&
            headers === answer.headers &&
            !(declared === "0" && bytes.byteLength > 0) &&
            adoptResponse(answer, bytes, decoded)) ||
          bufferedResponse(bytes, { status: answer.status, statusText, headers }, decoded);
      // Kept from the answer: a fetch that followed a redirect anyway must be seen to have done so.
      if (answer.redirected && !response.redirected) {
        Object.defineProperty(response, "redirected", { value: true });
      }
      tagResponse(response, request);
      return response;
    } catch (error) {
      if (isOwnInvalidResponse(error)) throw error;
      if (watched?.aborted) throw watched.reason;
      const { method, path } = name();
      if (timedOut) throw new TimeoutError(method, path, timeoutMs, { cause: error });
      throw new NetworkError(method, path, { cause: error });
    } finally {
      clearTimeout(timer);
      watched?.removeEventListener("abort", onCallerAbort);
    }
  };
}

/** Whether a failure is the transport's own verdict on the answer (a hostile Proxy is not). */
function isOwnInvalidResponse(error: unknown): boolean {
  try {
    return error instanceof InvalidResponseError;
  } catch {
    return false;
  }
}

/**
 * The bytes with every live secret scrubbed (the same bytes when none is there): from the text,
 * and from the JSON it holds, whose escapes (`\u002B`, `\/`) would otherwise spell a secret again
 * once parsed.
 */
function redactBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength === 0) return bytes;
  const text = utf8.decode(bytes);
  let scrubbed = redactText(text);
  try {
    const json: unknown = JSON.parse(scrubbed);
    if (holdsSecret(json)) scrubbed = JSON.stringify(redactValue(json));
  } catch {
    // not JSON (or too deep to print): the text scrub stands
  }
  return scrubbed === text ? bytes : new TextEncoder().encode(scrubbed);
}

/** The headers with every live secret scrubbed from their values (the same object when none is). */
function redactHeaders(headers: Headers): Headers {
  let copy: Headers | undefined;
  headers.forEach((value, name) => {
    const scrubbed = redactText(value);
    if (scrubbed === value) return;
    copy ??= new Headers(headers);
    copy.set(name, scrubbed);
  });
  return copy ?? headers;
}

/** A bodiless answer whose headers say so (a declared length would make a reader expect a body). */
function emptyResponse(init: { status: number; statusText: string; headers: Headers }): Response {
  const headers = new Headers(init.headers);
  headers.set("content-length", "0");
  headers.delete("transfer-encoding");
  return new Response(null, { ...init, headers });
}

/**
 * The answer's bytes, at most `limit` of them: an answer that says it is longer is refused unread,
 * and one that streams past the limit is cancelled there, never buffered whole.
 */
async function readBody(
  answer: Response,
  limit: number,
  stopped: Promise<never>,
  name: () => { method: string; path: string },
): Promise<Uint8Array> {
  const tooLong = (size: string) => {
    void answer.body?.cancel().catch(() => undefined);
    return new InvalidResponseError(
      name().method,
      name().path,
      answer.status,
      `an answer of ${size} bytes, over maxResponseBytes (${limit})`,
    );
  };
  const declared = Number(answer.headers.get("content-length") ?? NaN);
  if (declared > limit) throw tooLong(String(declared));
  // Counted as it streams, whatever the headers say: a declared length can lie, and a compressed
  // answer inflates past it.
  if (!answer.body) return new Uint8Array(0);
  const reader = answer.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  const readAll = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > limit) {
        over = true;
        await reader.cancel().catch(() => undefined);
        return;
      }
      chunks.push(value);
    }
  };
  // One race for the whole body: when the timeout or the caller stops it first, the reader is
  // cancelled, so the loop ends too.
  await Promise.race([readAll(), stopped]).catch((error: unknown) => {
    void reader.cancel().catch(() => undefined);
    throw error;
  });
  if (over) throw tooLong(`more than ${limit}`);
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Media types that cannot be the JSON an operation promises, whatever the body holds. */
const NOT_JSON_TYPES = /^(text\/(html|xml)|application\/(xml|xhtml\+xml))\b/i;

/**
 * A 2xx answer the operation promises as JSON must be a JSON object or array: an empty, non-JSON,
 * truncated or mislabelled body is an `InvalidResponseError`, never `undefined` or a bare
 * `SyntaxError`. Without an operation (a bare transport), a body labelled JSON is checked.
 */
function checkJsonBody(
  answer: Response,
  body: Uint8Array,
  name: () => { method: string; path: string },
  expectJson: boolean | undefined,
): Decoded | undefined {
  if (answer.status < 200 || answer.status > 299) return undefined;
  if (expectJson === false) return undefined;
  if (NULL_BODY_STATUSES.has(answer.status)) {
    if (!expectJson) return undefined;
    throw new InvalidResponseError(
      name().method,
      name().path,
      answer.status,
      "no body where JSON was expected",
    );
  }
  const type = answer.headers.get("content-type") ?? "";
  if (expectJson === undefined && !type.toLowerCase().includes("json")) return undefined;
  const fail = (problem: string, cause?: unknown) =>
    new InvalidResponseError(
      name().method,
      name().path,
      answer.status,
      problem,
      cause === undefined ? {} : { cause },
    );
  const text = utf8.decode(body);
  if (text.trim() === "") throw fail("an empty body");
  if (NOT_JSON_TYPES.test(type.trim()))
    throw fail(`a ${type.split(";")[0]} body where JSON was expected`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fail("a body that is not valid JSON", error);
  }
  if (expectJson && (typeof json !== "object" || json === null)) {
    throw fail("a JSON body that is neither an object nor an array");
  }
  return { text, json };
}
