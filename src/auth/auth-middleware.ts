/**
 * openapi-fetch middleware: `Authorization: Bearer …` on every operation but the token endpoint,
 * and one replay with a fresh token when the API answers 401.
 */
import type { Middleware } from "openapi-fetch";
import { createLog, type Logger } from "../secrets/logger.js";
import { operationContextOf, setOperationContext } from "../pipeline/operation-context.js";
import { describeRequest, rebuildRequest, tagResponse } from "../pipeline/request-info.js";
import { abortable } from "../pipeline/abort.js";
import { callOf, type CallContext } from "../pipeline/call.js";
import type { FetchLike } from "../pipeline/exchange.js";
import { freshToken, type TokenProvider } from "./token-provider.js";

export interface AuthMiddlewareOptions {
  tokenProvider: TokenProvider;
  /** @default undefined (silent) */
  logger?: Logger;
}

/** Operations sent without a token. */
const PUBLIC_PATHS = new Set(["/connect/token"]);

interface Sent {
  token: string;
  /** The body as sent, kept to replay it: a sent Request's body is gone. */
  body: ArrayBuffer | string | undefined;
}

export function createAuthMiddleware(options: AuthMiddlewareOptions): Middleware {
  const { tokenProvider } = options;
  const log = createLog(options.logger);
  // Keyed by the options object openapi-fetch makes for each call and hands to every hook: an
  // entry goes with the call, even when a later middleware answers or throws before onResponse.
  const sent = new WeakMap<object, Sent>();

  return {
    onRequest({ request, schemaPath, options: clientOptions }) {
      if (PUBLIC_PATHS.has(schemaPath)) return undefined;
      const call = callOf(clientOptions.fetch);
      // The SDK's own client: what the replay needs is in the call's context (its body too), and
      // a fresh token is set without a wait.
      const authorize = (token: string) => {
        request.headers.set("Authorization", `Bearer ${token}`);
        if (call) {
          call.request = request;
          call.token = token;
        }
      };
      const fresh = call && freshToken(tokenProvider);
      if (fresh !== undefined) return authorize(fresh);
      const signal = call ? call.signal : request.signal;
      return tokenProvider.getToken(signal && { signal }).then(async (token) => {
        authorize(token);
        // A bare client keeps a copy of the body for the replay.
        if (!call) {
          const body = request.body ? await request.clone().arrayBuffer() : undefined;
          sent.set(clientOptions, { token, body });
        }
        return undefined;
      });
    },

    onResponse({ request, response, options: clientOptions }) {
      const call = callOf(clientOptions.fetch);
      // A Response a caller's middleware made names the call too (the id is the call's).
      tagResponse(response, () => describeRequest(request, call?.operation));
      let first: Sent | undefined;
      if (call) {
        first = call.token === undefined ? undefined : { token: call.token, body: call.body };
        call.token = undefined;
      } else {
        first = sent.get(clientOptions);
        sent.delete(clientOptions);
      }
      if (!first || response.status !== 401) return undefined;
      return replay(request, response, clientOptions, call, first);
    },

    onError({ options: clientOptions }) {
      sent.delete(clientOptions);
      const call = callOf(clientOptions.fetch);
      if (call) call.token = undefined;
      return undefined;
    },
  };

  /** The 401 replay: the refused token invalidated, a fresh one, the same body, sent once. */
  async function replay(
    request: Request,
    response: Response,
    clientOptions: { fetch: unknown },
    call: CallContext | undefined,
    first: Sent,
  ): Promise<Response> {
    // Replay once: invalidate only the refused token (a concurrent caller may have refreshed it).
    // A cache that stalls must not hold the call past the caller's abort.
    const signal = call ? call.signal : request.signal;
    const invalidated = tokenProvider.invalidate(first.token);
    await (signal ? abortable(invalidated, signal) : invalidated);
    const token = await tokenProvider.getToken(signal ? { signal } : {});
    log(
      "info",
      `${request.method} ${new URL(request.url).pathname} answered 401; replaying once with a fresh token`,
    );
    await response.body?.cancel().catch(() => undefined);
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${token}`);
    const again = rebuildRequest(request, first.body, headers);
    // The replay repeats a send the server received: a duplicate refusal then means it landed.
    // (The SDK's client knows it from the call: this is its second send.)
    const context = call ? undefined : operationContextOf(request);
    if (context) setOperationContext(again, { ...context, resend: true });
    const answer = await (clientOptions.fetch as FetchLike)(again);
    tagResponse(answer, () => describeRequest(again, call?.operation));
    return answer;
  }
}
