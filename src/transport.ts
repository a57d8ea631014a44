/**
 * The `fetch` the SDK hands to openapi-fetch: a fresh timeout per request, the caller's signal
 * respected, the whole answer read within the timeout, and failures thrown as typed errors.
 */
import { InvalidResponseError, NetworkError, TimeoutError } from "./errors.js";
import { describeRequest, requestOption, tagResponse } from "./request-info.js";

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** The underlying fetch. */
  fetch: FetchLike;
  /** Timeout of each request, unless the call passes its own `timeoutMs`. */
  timeoutMs: number;
}

/** Statuses whose Response must have no body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function createTransport(options: TransportOptions): FetchLike {
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const { method, path } = describeRequest(request);
    const timeoutMs = requestOption<number>(request, "timeoutMs") ?? options.timeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout.signal]);
    try {
      // Raced against the signal as well: a fetch that ignores its signal cannot outlive the timeout.
      const answer = await untilAborted(options.fetch(request, { signal }), signal);
      // Read the whole body here, so a body that stalls is covered by the timeout too.
      const body = await untilAborted(answer.arrayBuffer(), signal);
      checkJsonBody(answer, body, method, path);
      const response = new Response(NULL_BODY_STATUSES.has(answer.status) ? null : body, {
        status: answer.status,
        statusText: answer.statusText,
        headers: answer.headers,
      });
      tagResponse(response, request);
      return response;
    } catch (error) {
      if (error instanceof InvalidResponseError) throw error;
      if (request.signal.aborted) throw request.signal.reason;
      if (timeout.signal.aborted) throw new TimeoutError(method, path, timeoutMs, { cause: error });
      throw new NetworkError(method, path, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The promise's outcome, or a rejection as soon as the signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** A 2xx JSON answer must carry JSON: an empty or unparseable body is an error, not `undefined`. */
function checkJsonBody(answer: Response, body: ArrayBuffer, method: string, path: string): void {
  if (answer.status < 200 || answer.status > 299 || NULL_BODY_STATUSES.has(answer.status)) return;
  if (!(answer.headers.get("content-type") ?? "").toLowerCase().includes("json")) return;
  const text = new TextDecoder().decode(body);
  if (text.trim() === "")
    throw new InvalidResponseError(method, path, answer.status, "an empty body");
  try {
    JSON.parse(text);
  } catch (error) {
    throw new InvalidResponseError(method, path, answer.status, "a body that is not valid JSON", {
      cause: error,
    });
  }
}
