/**
 * One send of a request: a fresh timer and controller, the caller's signal followed (a listener
 * only when the call passed one), the whole answer read within the timeout and within the size
 * limit, a 2xx that must be the promised JSON, and the fetch's own Response served from the bytes
 * read. Failures are typed: `NetworkError`, `TimeoutError`, `InvalidResponseError`. The SDK's
 * client calls it with what its call context already knows; `createTransport` reads the same from
 * a Request.
 */
import { InvalidResponseError, NetworkError, TimeoutError } from "../errors/index.js";
import { adoptResponse, bufferedResponse, type Decoded } from "./buffered-response.js";
import { tagResponse, type RequestInfo } from "./request-info.js";
import { holdsSecret, redactText, redactValue } from "../secrets/redact.js";

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/** What one send needs besides the Request. */
export interface Send {
  /** The underlying fetch. */
  fetch: FetchLike;
  /** The timeout, covering the whole answer. */
  timeoutMs: number;
  /** The longest answer read, in bytes. */
  maxResponseBytes: number;
  /** The signal to follow (the caller's); none: no listener at all. */
  signal: AbortSignal | undefined;
  /**
   * Whether a 2xx must be a JSON object or array (true), is read as it is (false), or is checked
   * only when labelled JSON (undefined: an unknown operation).
   */
  expectJson: boolean | undefined;
  /** Names the request, for errors (called only when one is thrown). */
  describe: () => RequestInfo;
}

const utf8 = new TextDecoder();

/** The platform's own, whatever a stream object carries. */
const getReader = ReadableStream.prototype.getReader as (
  this: ReadableStream<Uint8Array>,
) => ReadableStreamDefaultReader<Uint8Array>;

/** Statuses whose Response must have no body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export async function exchange(request: Request, send: Send): Promise<Response> {
  const { signal: watched, timeoutMs } = send;
  // One controller per send, aborted by the timer or by the caller's signal. At that moment the
  // send is halted: what it awaits is interrupted, so a fetch or a body that ignores the signal
  // cannot outlive it. (AbortSignal.any, listeners on our own signal, a race per step and a
  // signal made for a fetch that never reads it showed in profiles of the per-call cost.)
  // Made only when the fetch reads its signal (a stub or an in-memory handler may never).
  let controller: AbortController | undefined;
  const signalled = {
    get signal(): AbortSignal {
      return (controller ??= new AbortController()).signal;
    },
  };
  let timedOut = false;
  const halt: Halt = { reason: undefined, halted: false, interrupt: undefined };
  const stop = (reason: unknown) => {
    if (halt.halted) return;
    halt.halted = true;
    halt.reason = reason;
    halt.interrupt?.(reason);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    controller ??= new AbortController();
    controller.abort();
    stop(controller.signal.reason);
  }, timeoutMs);
  const onCallerAbort = () => {
    (controller ??= new AbortController()).abort(watched!.reason);
    stop(watched!.reason);
  };
  if (watched?.aborted) onCallerAbort();
  else watched?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    if (halt.halted) throw halt.reason; // aborted already: nothing is sent
    const answer = await interruptible(halt, send.fetch(request, signalled));
    // A network error in Response form (`Response.error()`): no answer arrived.
    if (answer.type === "error" || answer.status === 0) throw new TypeError("a network error");
    // Read the whole body here, so a body that stalls is covered by the timeout too.
    const read = await readBody(answer, send, halt);
    const response = serve(answer, read, send);
    tagResponse(response, send.describe);
    return response;
  } catch (error) {
    if (isOwnInvalidResponse(error)) throw error;
    if (watched?.aborted) throw watched.reason;
    const { method, path } = send.describe();
    if (timedOut) throw new TimeoutError(method, path, timeoutMs, { cause: error });
    throw new NetworkError(method, path, { cause: error });
  } finally {
    clearTimeout(timer);
    watched?.removeEventListener("abort", onCallerAbort);
  }
}

/** Whether a send was halted (timeout, caller's abort), and what to interrupt when it is. */
interface Halt {
  halted: boolean;
  reason: unknown;
  interrupt: ((reason: unknown) => void) | undefined;
}

/** The promise, or a rejection with the halt's reason as soon as the send is halted. */
function interruptible<T>(halt: Halt, promise: Promise<T>): Promise<T> {
  if (halt.halted) return Promise.reject(halt.reason);
  return new Promise<T>((resolve, reject) => {
    halt.interrupt = reject;
    promise.then(resolve, reject);
  });
}

/** The answer as the caller gets it, from the bytes read. */
function serve(answer: Response, read: Uint8Array, send: Send): Response {
  const { status } = answer;
  const decoded = checkJsonBody(answer, read, send);
  // An error answer becomes the caller's `{ error }` value: one that echoes a secret is scrubbed.
  const refused = status >= 400;
  const bytes = refused ? redactBytes(read) : read;
  const statusText = refused ? redactText(answer.statusText) : answer.statusText;
  const headers = refused ? redactHeaders(answer.headers) : answer.headers;
  if (NULL_BODY_STATUSES.has(status)) return emptyResponse(answer, { status, statusText, headers });
  // The fetch's own Response, served from the bytes read, unless something about it had to change
  // (a scrubbed secret, a declared length that lies about an empty body).
  const kept =
    bytes === read &&
    statusText === answer.statusText &&
    headers === answer.headers &&
    !(bytes.byteLength > 0 && headers.get("content-length") === "0");
  return (
    (kept && adoptResponse(answer, bytes, decoded, send.describe)) ||
    keepRedirected(
      answer,
      bufferedResponse(bytes, { status, statusText, headers }, decoded, send.describe),
    )
  );
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
function emptyResponse(
  answer: Response,
  init: { status: number; statusText: string; headers: Headers },
): Response {
  const headers = new Headers(init.headers);
  headers.set("content-length", "0");
  headers.delete("transfer-encoding");
  return keepRedirected(answer, new Response(null, { ...init, headers }));
}

/** A fetch that followed a redirect anyway must be seen to have done so. */
function keepRedirected(answer: Response, response: Response): Response {
  if (answer.redirected && !response.redirected) {
    Object.defineProperty(response, "redirected", { value: true });
  }
  return response;
}

/**
 * The answer's bytes, at most `limit` of them: an answer that says it is longer is refused unread,
 * and one that streams past the limit is cancelled there, never buffered whole.
 */
async function readBody(answer: Response, send: Send, halt: Halt): Promise<Uint8Array> {
  const limit = send.maxResponseBytes;
  const unreadable = (problem: string) => {
    quietly(() => answer.body?.cancel());
    const { method, path } = send.describe();
    return new InvalidResponseError(method, path, answer.status, problem);
  };
  const tooLong = (size: string) =>
    unreadable(`an answer of ${size} bytes, over maxResponseBytes (${limit})`);
  const declared = Number(answer.headers.get("content-length") ?? NaN);
  if (declared > limit) throw tooLong(String(declared));
  if (halt.halted) {
    quietly(() => answer.body?.cancel());
    throw halt.reason;
  }
  // Counted as it streams, whatever the headers say: a declared length can lie, and a compressed
  // answer inflates past it.
  const { body } = answer;
  if (!body) return new Uint8Array(0);
  // A platform stream's pending read ends (done) when its reader is cancelled, whatever its
  // source does: halting cancels it. Any other stream's reads are each interrupted.
  const platform = Object.getPrototypeOf(body) === ReadableStream.prototype;
  const reader = platform ? getReader.call(body) : body.getReader();
  const cancel = () => quietly(() => reader.cancel());
  halt.interrupt = platform ? cancel : undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let reads = 1; ; reads++) {
      const { done, value } = await (platform ? reader.read() : interruptible(halt, reader.read()));
      if (halt.halted) throw halt.reason;
      if (done) break;
      // (Bytes of any realm: a test DOM's too.)
      if (Object.prototype.toString.call(value) !== "[object Uint8Array]") {
        throw unreadable("a body that is not bytes");
      }
      size += value.byteLength;
      if (size > limit) {
        cancel();
        throw tooLong(`more than ${limit}`);
      }
      chunks.push(value);
      // A body whose reads all settle at once (an in-process one that never ends, in empty
      // chunks) would keep every timer from running, the timeout's included: let them in.
      if (reads % 256 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch (error) {
    cancel();
    throw error;
  } finally {
    halt.interrupt = undefined;
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Cancels a stream or reader, whatever it does: a missing or throwing `cancel` is no failure. */
function quietly(cancel: () => Promise<unknown> | undefined): void {
  try {
    void cancel()?.catch(() => undefined);
  } catch {
    // nothing to cancel
  }
}

/** Media types that cannot be the JSON an operation promises, whatever the body holds. */
const NOT_JSON_TYPES = /^(text\/(html|xml)|application\/(xml|xhtml\+xml))\b/i;

/**
 * A 2xx answer the operation promises as JSON must be a JSON object or array: an empty, non-JSON,
 * truncated or mislabelled body is an `InvalidResponseError`, never `undefined` or a bare
 * `SyntaxError`. Without an operation (a bare transport), a body labelled JSON is checked.
 */
function checkJsonBody(answer: Response, body: Uint8Array, send: Send): Decoded | undefined {
  const { expectJson } = send;
  if (answer.status < 200 || answer.status > 299) return undefined;
  if (expectJson === false) return undefined;
  if (NULL_BODY_STATUSES.has(answer.status)) {
    if (!expectJson) return undefined;
    const { method, path } = send.describe();
    throw new InvalidResponseError(method, path, answer.status, "no body where JSON was expected");
  }
  const type = answer.headers.get("content-type") ?? "";
  if (expectJson === undefined && !type.toLowerCase().includes("json")) return undefined;
  const fail = (problem: string, cause?: unknown) => {
    const { method, path } = send.describe();
    return new InvalidResponseError(
      method,
      path,
      answer.status,
      problem,
      cause === undefined ? {} : { cause },
    );
  };
  const text = utf8.decode(body);
  if (text.trim() === "") throw fail("an empty body");
  if (NOT_JSON_TYPES.test(type.trim()))
    throw fail(`a ${type.split(";")[0]} body where JSON was expected`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not kept as the cause: the parser's message quotes the body around the fault, and a part
    // of an echoed secret is too short to be recognised and scrubbed.
    throw fail("a body that is not valid JSON");
  }
  if (expectJson && (typeof json !== "object" || json === null)) {
    throw fail("a JSON body that is neither an object nor an array");
  }
  return { text, json };
}
