/**
 * openapi-fetch middleware: `Authorization: Bearer …` on every operation but the token endpoint,
 * and one replay with a fresh token when the API answers 401.
 */
import type { Middleware } from "openapi-fetch";
import { createLog, type Logger } from "../secrets/logger.js";
import { operationContextOf, setOperationContext } from "../pipeline/operation-context.js";
import { rebuildRequest, tagResponse } from "../pipeline/request-info.js";
import { abortable } from "../pipeline/abort.js";
import { callOf } from "../pipeline/call.js";
import type { TokenProvider } from "./token-provider.js";

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
    async onRequest({ request, schemaPath, options: clientOptions }) {
      if (PUBLIC_PATHS.has(schemaPath)) return undefined;
      const call = callOf(clientOptions.fetch);
      const token = await tokenProvider.getToken(
        call ? (call.signal ? { signal: call.signal } : {}) : { signal: request.signal },
      );
      request.headers.set("Authorization", `Bearer ${token}`);
      if (call) call.request = request;
      // The body is kept for the replay. The SDK's own client has it already (and the call's
      // copy follows a later middleware's replacement); a bare client keeps a copy here.
      const body = call
        ? undefined
        : request.body
          ? await request.clone().arrayBuffer()
          : undefined;
      sent.set(clientOptions, { token, body });
      return undefined;
    },

    async onResponse({ request, response, options: clientOptions }) {
      tagResponse(response, request);
      const first = sent.get(clientOptions);
      sent.delete(clientOptions);
      if (!first || response.status !== 401) return undefined;

      // Replay once: invalidate only the refused token (a concurrent caller may have refreshed it).
      // A cache that stalls must not hold the call past the caller's abort.
      const call = callOf(clientOptions.fetch);
      const signal = call ? (call.signal ?? undefined) : request.signal;
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
      const replay = rebuildRequest(request, call ? call.bodyText : first.body, headers);
      const context = operationContextOf(request);
      // The replay repeats a send the server received: a duplicate refusal then means it landed.
      if (context) setOperationContext(replay, { ...context, resend: true });
      const answer = await clientOptions.fetch(replay);
      tagResponse(answer, replay);
      return answer;
    },

    onError({ options: clientOptions }) {
      sent.delete(clientOptions);
      return undefined;
    },
  };
}
