/**
 * The `fetch` the SDK hands to openapi-fetch: a fresh timeout per request, the caller's signal
 * respected, the whole answer read within the timeout (and handed on as a buffered Response),
 * and failures thrown as typed errors.
 */
import { InvalidResponseError, NetworkError, TimeoutError } from "./errors.js";
import { bufferedResponse, type Decoded } from "./buffered-response.js";
import { describeRequest, requestOption, tagResponse } from "./request-info.js";

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** The underlying fetch. */
  fetch: FetchLike;
  /** Timeout of each request, unless the call passes its own `timeoutMs`. */
  timeoutMs: number;
}

const utf8 = new TextDecoder();

/** Statuses whose Response must have no body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function createTransport(options: TransportOptions): FetchLike {
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const { method, path } = describeRequest(request);
    const timeoutMs = requestOption<number>(request, "timeoutMs") ?? options.timeoutMs;
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
    const onCallerAbort = () => {
      controller.abort(request.signal.reason);
      stop(request.signal.reason);
    };
    if (request.signal.aborted) onCallerAbort();
    else request.signal.addEventListener("abort", onCallerAbort, { once: true });
    try {
      const answer = await Promise.race([
        options.fetch(request, { signal: controller.signal }),
        stopped,
      ]);
      // Read the whole body here, so a body that stalls is covered by the timeout too.
      const bytes = new Uint8Array(await Promise.race([answer.arrayBuffer(), stopped]));
      const decoded = checkJsonBody(answer, bytes, method, path);
      const init = {
        status: answer.status,
        statusText: answer.statusText,
        headers: answer.headers,
      };
      const response = NULL_BODY_STATUSES.has(answer.status)
        ? new Response(null, init)
        : bufferedResponse(bytes, init, decoded);
      tagResponse(response, request);
      return response;
    } catch (error) {
      if (error instanceof InvalidResponseError) throw error;
      if (request.signal.aborted) throw request.signal.reason;
      if (timedOut) throw new TimeoutError(method, path, timeoutMs, { cause: error });
      throw new NetworkError(method, path, { cause: error });
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener("abort", onCallerAbort);
    }
  };
}

/** A 2xx JSON answer must carry JSON: an empty or unparseable body is an error, not `undefined`. */
function checkJsonBody(
  answer: Response,
  body: Uint8Array,
  method: string,
  path: string,
): Decoded | undefined {
  if (answer.status < 200 || answer.status > 299 || NULL_BODY_STATUSES.has(answer.status)) {
    return undefined;
  }
  if (!(answer.headers.get("content-type") ?? "").toLowerCase().includes("json")) return undefined;
  const text = utf8.decode(body);
  if (text.trim() === "")
    throw new InvalidResponseError(method, path, answer.status, "an empty body");
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch (error) {
    throw new InvalidResponseError(method, path, answer.status, "a body that is not valid JSON", {
      cause: error,
    });
  }
}
