import createClient, { type Client } from "openapi-fetch";
import { createAuthMiddleware } from "./auth-middleware.js";
import { operationMeta } from "./generated/operations.js";
import { createIdempotencyMiddleware } from "./idempotency-middleware.js";
import { createLog } from "./logger.js";
import { createRetryingFetch } from "./retry.js";
import type { paths } from "./generated/schema.js";
import { resolveOptions, type AlmaraPayOptions } from "./options.js";
import { createTokenProvider, type TokenProvider } from "./token-provider.js";
import { createTransport } from "./transport.js";

/**
 * A body with `originatorConversationId` optional: the SDK generates one when it is left out.
 * (PascalCase bodies spell it `OriginatorConversationId`.)
 */
type IdOptional<B> = B extends { originatorConversationId: unknown }
  ? Omit<B, "originatorConversationId"> & { originatorConversationId?: string }
  : B extends { OriginatorConversationId: unknown }
    ? Omit<B, "OriginatorConversationId"> & { OriginatorConversationId?: string }
    : B;

/** The spec's `paths`, as the SDK's client accepts them: generated ids may be left out. */
export type AlmaraPayPaths = {
  [Path in keyof paths]: {
    [M in keyof paths[Path]]: paths[Path][M] extends {
      requestBody: { content: { "application/json": infer B } };
    }
      ? Omit<paths[Path][M], "requestBody"> & {
          requestBody: { content: { "application/json": IdOptional<B> } };
        }
      : paths[Path][M];
  };
};

/** An openapi-fetch client typed by the Almara Pay spec, with authentication applied. */
export type AlmaraPayClient = Client<AlmaraPayPaths, "application/json"> & {
  /** The client's token provider (to invalidate its token, for example). */
  readonly tokenProvider: TokenProvider;
};

/**
 * Creates an Almara Pay client: an openapi-fetch client over the spec's `paths`, with the auth
 * middleware applied, a per-request timeout, safe retries and an `originatorConversationId` for every
 * request that takes one. Options are checked here, once.
 *
 * @example
 * const pay = createAlmaraPay({ baseUrl, clientId, clientSecret });
 * const { data, error } = await pay.GET("/v1/bill-services");
 */
export function createAlmaraPay(options: AlmaraPayOptions): AlmaraPayClient {
  const resolved = resolveOptions(options);
  const transport = createRetryingFetch(
    createTransport({
      fetch: resolved.fetch,
      timeoutMs: resolved.timeoutMs,
      maxResponseBytes: resolved.maxResponseBytes,
    }),
    {
      policy: resolved.retry,
      log: createLog(resolved.logger),
      basePath: new URL(resolved.baseUrl).pathname.replace(/\/+$/, ""),
    },
  );
  const tokenProvider = createTokenProvider({
    tokenUrl: resolved.tokenUrl,
    clientId: resolved.clientId,
    clientSecret: resolved.clientSecret,
    scope: resolved.scope,
    fetch: resolved.fetch,
    timeoutMs: resolved.timeoutMs,
    ...(resolved.tokenCache ? { cache: resolved.tokenCache } : {}),
    lockWaitMs: resolved.tokenLockWaitMs,
    dangerouslyAllowBrowser: resolved.dangerouslyAllowBrowser,
    ...(resolved.logger ? { logger: resolved.logger } : {}),
  });
  const client = createClient<AlmaraPayPaths, "application/json">({
    baseUrl: resolved.baseUrl,
    fetch: transport,
  });
  // Order matters: the id is added before the auth middleware keeps the body for a 401 replay.
  client.use(
    {
      onRequest({ options }) {
        // A per-call fetch would bypass the timeouts, the retries and every money-safety rule.
        if (options.fetch !== transport) {
          throw new TypeError(
            "almara-pay: a call cannot pass its own fetch (it would bypass timeouts, retries and money safety); pass fetch to createAlmaraPay",
          );
        }
        return undefined;
      },
    },
    createIdempotencyMiddleware(),
    createAuthMiddleware({
      tokenProvider,
      ...(resolved.logger ? { logger: resolved.logger } : {}),
    }),
  );
  readTextAnswersAsText(client);
  return Object.assign(client, { tokenProvider });
}

/**
 * An operation whose answers are text (the health check) is read as text unless the call asks
 * otherwise: openapi-fetch parses as JSON by default and would throw on `Healthy`. The types
 * already say `string`.
 */
function readTextAnswersAsText(client: Client<AlmaraPayPaths, "application/json">): void {
  for (const method of ["GET", "POST", "PUT", "DELETE", "PATCH"] as const) {
    const call = client[method] as (path: string, init?: { parseAs?: string }) => unknown;
    (client as unknown as Record<string, typeof call>)[method] = (path, init) =>
      operationMeta[`${method} ${path}`]?.textAnswer && init?.parseAs === undefined
        ? call(path, { ...init, parseAs: "text" })
        : call(path, init);
  }
}
