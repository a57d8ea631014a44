/**
 * CORS for pages that call the sandbox from a browser: every answer to an allowed origin says so,
 * and a preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered before routing.
 * By default only loopback origins (any port) are allowed: a local simulator serves local pages.
 */
import type { SandboxOptions } from "./types.js";

const LOOPBACK =
  /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:(6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]?\d{1,4}))?$/i;

/** The headers a browser may read from an answer (beyond the CORS-safelisted ones). */
const EXPOSED = "Retry-After, WWW-Authenticate, Content-Length";
const METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

export type OriginCheck = (origin: string) => boolean;

export function originCheck(cors: SandboxOptions["cors"]): OriginCheck {
  if (cors === false) return () => false;
  if (cors === "*") return () => true;
  if (typeof cors === "function") return cors;
  if (Array.isArray(cors)) {
    const allowed = new Set(cors.map(originOf));
    return (origin) => allowed.has(origin.toLowerCase());
  }
  return (origin) => LOOPBACK.test(origin);
}

/**
 * A listed origin as browsers send it (`http://127.0.0.1:5173/` is `http://127.0.0.1:5173`): a
 * usage error naming `cors` when the entry is not an origin, since it could never match one.
 */
function originOf(entry: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof entry === "string" ? new URL(entry) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.origin === "null" || url.pathname !== "/" || url.search || url.hash) {
    throw new TypeError(
      `almara-pay sandbox: cors lists ${JSON.stringify(String(entry)).slice(0, 100)}, which is not an origin (scheme, host and port, such as "http://127.0.0.1:5173")`,
    );
  }
  return url.origin.toLowerCase();
}

/** Whether a request is a CORS preflight. */
export function isPreflight(request: Request): boolean {
  return (
    request.method === "OPTIONS" &&
    request.headers.has("origin") &&
    request.headers.has("access-control-request-method")
  );
}

/** The answer to a preflight: 204 with what the origin may send, or 403 for another origin. */
export function preflight(request: Request, allowed: OriginCheck): Response {
  const origin = request.headers.get("origin")!;
  if (!allowed(origin)) return new Response(null, { status: 403, headers: { Vary: "Origin" } });
  const asked = request.headers.get("access-control-request-headers");
  return new Response(null, {
    status: 204,
    headers: {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": METHODS,
      ...(asked ? { "Access-Control-Allow-Headers": asked.slice(0, 1024) } : {}),
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    },
  });
}

/** The CORS headers of an answer to `request` (only `Vary` when it has no allowed origin). */
export function corsHeaders(request: Request, allowed: OriginCheck): Record<string, string> {
  const origin = request.headers.get("origin");
  // Every answer varies by origin, so that no cache hands one origin's answer to another.
  if (origin === null || !allowed(origin)) return { Vary: "Origin" };
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": EXPOSED,
    Vary: "Origin",
  };
}
