import { ApiError, DuplicateIdError, isDuplicateIdBody } from "./errors/index.js";
import { requestInfoOf } from "./request-info.js";

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
  const { data, error, response } = await result;
  if (error !== undefined || !response.ok) {
    const { method, path, originatorConversationId } = requestInfoOf(response);
    const init = {
      originatorConversationId,
      status: response.status,
      statusText: response.statusText,
      method,
      path,
      body: error,
      headers: response.headers,
    };
    throw response.status === 400 && isDuplicateIdBody(error)
      ? new DuplicateIdError(init)
      : new ApiError(init);
  }
  return data as Exclude<R["data"], undefined>;
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
