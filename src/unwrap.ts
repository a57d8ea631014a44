import { ApiError } from "./errors.js";
import { requestInfoOf } from "./request-info.js";

/** What every openapi-fetch call resolves to. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The data of a call, or an `ApiError` thrown for an HTTP error answer — for code that prefers
 * exceptions to `{ data, error }` values.
 *
 * @example
 * const routes = await unwrap(pay.GET("/v1/transaction-routes/assigned-routes"));
 */
export async function unwrap<R extends FetchResult>(
  result: R | Promise<R>,
): Promise<Exclude<R["data"], undefined>> {
  const { data, error, response } = await result;
  if (error !== undefined || !response.ok) {
    const { method, path } = requestInfoOf(response);
    throw new ApiError({
      status: response.status,
      statusText: response.statusText,
      method,
      path,
      body: error,
      headers: response.headers,
    });
  }
  return data as Exclude<R["data"], undefined>;
}
