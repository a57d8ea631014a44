import { ApiError, DuplicateIdError, isDuplicateIdBody } from "../errors/index.js";
import { requestInfoOf } from "../pipeline/request-info.js";

/** What every openapi-fetch call resolves to. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The data of a call, or an `ApiError` thrown for an HTTP error answer — for code that prefers
 * exceptions to `{ data, error }` values. The API's refusal of a reused `originatorConversationId`
 * is a `DuplicateIdError` instead: no plain refusal, since a transaction under that id exists.
 *
 * @example
 * const routes = await unwrap(pay.GET("/v1/transaction-routes/assigned-routes"));
 */
export async function unwrap<R extends FetchResult>(
  result: R | Promise<R>,
): Promise<Exclude<R["data"], undefined>> {
  const settled: unknown = await result;
  const answer = (settled as { response?: { status?: unknown } } | null)?.response;
  // (A Response of any fetch implementation: not checked by class.)
  if (typeof settled !== "object" || typeof answer?.status !== "number") {
    throw new TypeError(
      "almara-pay: unwrap() takes what a client method returns ({ data, error, response }, or its promise)",
    );
  }
  const { data, error, response } = settled as R;
  if (error !== undefined || !response.ok) throw apiErrorOf(error, response);
  return data as Exclude<R["data"], undefined>;
}

/**
 * The error for an HTTP error answer: `DuplicateIdError` for the API's refusal of a reused id,
 * else `ApiError`. `originatorConversationId` stands in when the request carried none (a lookup).
 */
export function apiErrorOf(
  body: unknown,
  response: Response,
  originatorConversationId?: string,
): ApiError | DuplicateIdError {
  const info = requestInfoOf(response);
  const init = {
    originatorConversationId: info.originatorConversationId ?? originatorConversationId,
    status: response.status,
    statusText: response.statusText,
    method: info.method,
    path: info.path,
    body,
    headers: response.headers,
  };
  return response.status === 400 && isDuplicateIdBody(body)
    ? new DuplicateIdError(init)
    : new ApiError(init);
}

/**
 * The `originatorConversationId` a call was sent with — the caller's, or the one the SDK generated
 * when the caller left it out. Undefined for operations that take none.
 */
export function originatorConversationIdOf(
  result: FetchResult | { response: Response },
): string | undefined {
  return requestInfoOf(result.response).originatorConversationId;
}
