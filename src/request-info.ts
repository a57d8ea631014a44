/**
 * Which request a Response answered. Responses built by the SDK do not carry a `url`, and none
 * carries its method, so `unwrap()` looks them up here to name method and path in its error.
 */
export interface RequestInfo {
  method: string;
  /** Path without the query string. */
  path: string;
}

const infos = new WeakMap<Response, RequestInfo>();

export function describeRequest(request: Request): RequestInfo {
  return { method: request.method, path: pathOf(request.url) };
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split("?")[0] ?? url;
  }
}

export function tagResponse(response: Response, request: Request): void {
  if (!infos.has(response)) infos.set(response, describeRequest(request));
}

export function requestInfoOf(response: Response): RequestInfo {
  return infos.get(response) ?? { method: "HTTP", path: pathOf(response.url) };
}

/** Reads a per-request option that openapi-fetch copied onto the Request from the call's init. */
export function requestOption<T>(request: Request, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(request, key)
    ? ((request as unknown as Record<string, unknown>)[key] as T)
    : undefined;
}

/** Copies the per-request options openapi-fetch put on one Request onto another. */
export function copyRequestOptions(from: Request, to: Request): void {
  for (const key of Object.keys(from)) {
    if (!(key in to))
      (to as unknown as Record<string, unknown>)[key] = (
        from as unknown as Record<string, unknown>
      )[key];
  }
}
