/**
 * A programmable Almara Pay API behind an injected `fetch`: issues tokens, checks bearer tokens,
 * answers API paths from handlers, and records every request it received.
 */
export const CREDENTIALS = {
  clientId: "test-client-id",
  clientSecret: "s3cr3t-client-secret-value",
  scope: "PyPay_api",
} as const;

export const BASE_URL = "https://api.almara.test";

export interface Received {
  method: string;
  path: string;
  authorization: string | null;
  contentType: string | null;
  body: string;
}

export type Handler = (request: Request, received: Received) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export interface FakeApi {
  fetch: (input: Request, init?: RequestInit) => Promise<Response>;
  received: Received[];
  tokenRequests: () => Received[];
  apiRequests: () => Received[];
  /** Tokens issued so far, in order. */
  issued: string[];
  /** Tokens the API still accepts. */
  valid: Set<string>;
  /** Lifetime of issued tokens, in seconds. */
  expiresIn: number;
  /** Replaces the token endpoint's behaviour. */
  tokenHandler: Handler | undefined;
  /** Handlers for API paths, by "METHOD /path". */
  routes: Map<string, Handler>;
}

export function createFakeApi(): FakeApi {
  const api: FakeApi = {
    received: [],
    issued: [],
    valid: new Set(),
    expiresIn: 3600,
    tokenHandler: undefined,
    routes: new Map(),
    tokenRequests: () => api.received.filter((r) => r.path === "/connect/token"),
    apiRequests: () => api.received.filter((r) => r.path !== "/connect/token"),
    async fetch(input, init) {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const received: Received = {
        method: request.method,
        path: url.pathname,
        authorization: request.headers.get("authorization"),
        contentType: request.headers.get("content-type"),
        body: await request.text(),
      };
      api.received.push(received);
      if (url.pathname === "/connect/token") {
        if (api.tokenHandler) return api.tokenHandler(request, received);
        const form = new URLSearchParams(received.body);
        if (form.get("client_secret") !== CREDENTIALS.clientSecret) {
          return json({ error: "invalid_client" }, 401);
        }
        const token = `eyJ.token-${api.issued.length + 1}-${"x".repeat(40)}`;
        api.issued.push(token);
        api.valid.add(token);
        return json({
          access_token: token,
          expires_in: api.expiresIn,
          token_type: "Bearer",
          scope: "PyPay_api",
        });
      }
      const token = received.authorization?.replace(/^Bearer /, "");
      if (!token || !api.valid.has(token)) return json({ error: "invalid_token" }, 401);
      const handler = api.routes.get(`${request.method} ${url.pathname}`);
      if (!handler) {
        return json({ title: "Not Found", status: 404, traceId: "00-abc-def-00" }, 404);
      }
      return handler(request, received);
    },
  };
  return api;
}
