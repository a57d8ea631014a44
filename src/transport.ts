/**
 * The `fetch` the SDK hands to openapi-fetch: a fresh timeout per request, the caller's signal
 * respected, the whole answer read within the timeout, and failures thrown as typed errors.
 */
import { NetworkError, TimeoutError } from "./errors.js";
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
      const answer = await options.fetch(request, { signal });
      // Read the whole body here, so a body that stalls is covered by the timeout too.
      const body = await answer.arrayBuffer();
      const response = new Response(NULL_BODY_STATUSES.has(answer.status) ? null : body, {
        status: answer.status,
        statusText: answer.statusText,
        headers: answer.headers,
      });
      tagResponse(response, request);
      return response;
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      if (timeout.signal.aborted) throw new TimeoutError(method, path, timeoutMs, { cause: error });
      throw new NetworkError(method, path, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };
}
