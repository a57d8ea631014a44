import createClient, {
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from "openapi-fetch";
import { createAuthMiddleware } from "../auth/auth-middleware.js";
import {
  prepareCall,
  type CallContext,
  type CallDefaults,
  type CallInit,
} from "../pipeline/call.js";
import { exchange, type Send } from "../pipeline/exchange.js";
import { createLog } from "../secrets/logger.js";
import { deriveOperation } from "../pipeline/operation-context.js";
import { describeRequest, rebuildRequest, type RequestInfo } from "../pipeline/request-info.js";
import { sendWithRetries, type Outcome, type RetryOptions } from "../pipeline/retry.js";
import type { paths } from "../generated/schema.js";
import { resolveOptions, type AlmaraPayOptions } from "./options.js";
import { createTokenProvider, type TokenProvider } from "../auth/token-provider.js";

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

/** Options every call of the client takes besides openapi-fetch's own. */
export interface CallOptions {
  /** This call's retry policy (merged over the client's), or `false` for none. */
  retry?: RetryOptions | false;
  /** This call's timeout in milliseconds, covering the whole answer. */
  timeoutMs?: number;
  /** The longest answer this call reads, in bytes. */
  maxResponseBytes?: number;
}

type HttpMethod = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";
type PathsWith<Paths, M extends HttpMethod> = {
  [P in keyof Paths]: Paths[P] extends { [K in M]: any } ? P : never;
}[keyof Paths];
type RequiredKeysOf<T> = { [K in keyof T]: {} extends Pick<T, K> ? never : K }[keyof T];
/** The keys of any member of a union. */
type KeysOfAny<T> = T extends unknown ? keyof T : never;
/** The type of `K` in the members of a union that declare it. */
type ValueOfAny<T, K extends PropertyKey> = T extends unknown
  ? K extends keyof T
    ? T[K]
    : never
  : never;
/**
 * `Actual` with every property that `Expected` does not declare typed `never`, at every depth.
 * openapi-fetch infers a call's init from the argument, and an inferred type escapes TypeScript's
 * excess-property check: without this, a misspelt optional field (`amout`) would compile and be
 * sent, and the API ignores a member it does not know.
 */
type NoUndeclared<Expected, Actual> = unknown extends Expected
  ? Actual
  : Actual extends readonly (infer Item)[]
    ? readonly NoUndeclared<Expected extends readonly (infer E)[] ? E : unknown, Item>[]
    : Actual extends object
      ? {
          [K in keyof Actual]: K extends KeysOfAny<Expected>
            ? NoUndeclared<ValueOfAny<Expected, K>, Actual[K]>
            : never;
        }
      : Actual;
/** The JSON body an operation takes (unknown: none is declared). */
type BodyOf<Operation> = Operation extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : unknown;
/** The check of a call's body against the operation's (nothing when the call sends none). */
type BodyCheck<Operation, Init> = Init extends { body: infer B }
  ? { body: NoUndeclared<BodyOf<Operation>, B> }
  : unknown;

/** openapi-fetch's init for the operation, with the SDK's per-call options typed. */
type CallInitParam<Init, Operation> =
  RequiredKeysOf<Init> extends never
    ? [(Init & CallOptions & NoInfer<BodyCheck<Operation, Init>>)?]
    : [Init & CallOptions & NoInfer<BodyCheck<Operation, Init>>];

/** The operation object of `Path` for `M` (the paths type marks absent methods `never`). */
type OperationOf<Paths, Path extends keyof Paths, M extends HttpMethod> =
  Paths[Path] extends Record<M, infer O extends Record<string | number, any>> ? O : never;

type MethodOf<Paths extends {}, M extends HttpMethod> = <
  Path extends PathsWith<Paths, M>,
  Init extends MaybeOptionalInit<Record<M, OperationOf<Paths, Path, M>>, M>,
>(
  url: Path,
  ...init: CallInitParam<Init, OperationOf<Paths, Path, M>>
) => Promise<FetchResponse<OperationOf<Paths, Path, M>, Init, "application/json">>;

/** One method of the client (`GET`, `POST`…): openapi-fetch's, with typed per-call options. */
export type AlmaraPayMethod<M extends HttpMethod> = MethodOf<AlmaraPayPaths, M>;

/**
 * An openapi-fetch client typed by the Almara Pay spec, with authentication applied: `GET`,
 * `POST`… take the spec's paths, bodies and answers, plus `retry`, `timeoutMs` and
 * `maxResponseBytes` per call; `use` and `eject` register openapi-fetch middleware.
 */
export interface AlmaraPayClient {
  GET: AlmaraPayMethod<"get">;
  PUT: AlmaraPayMethod<"put">;
  POST: AlmaraPayMethod<"post">;
  DELETE: AlmaraPayMethod<"delete">;
  OPTIONS: AlmaraPayMethod<"options">;
  HEAD: AlmaraPayMethod<"head">;
  PATCH: AlmaraPayMethod<"patch">;
  TRACE: AlmaraPayMethod<"trace">;
  /** Registers openapi-fetch middleware (it runs after the SDK's). */
  use(...middleware: Middleware[]): void;
  /** Unregisters middleware registered with `use`. */
  eject(...middleware: Middleware[]): void;
  /** The client's token provider (to invalidate its token, for example). */
  readonly tokenProvider: TokenProvider;
}

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

/**
 * A send that ends in an error leaves no token to replay: a caller's `onError` that answers in
 * its place (a 401, say) must not make the auth middleware resend what may have landed.
 */
function failing(sending: Promise<Response>, call: CallContext): Promise<Response> {
  return sending.catch((error: unknown) => {
    call.token = undefined;
    throw error;
  });
}

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
  const basePath = new URL(resolved.baseUrl).pathname.replace(/\/+$/, "");
  const log = createLog(resolved.logger);
  const defaults: CallDefaults = {
    policy: resolved.retry,
    timeoutMs: resolved.timeoutMs,
    maxResponseBytes: resolved.maxResponseBytes,
  };
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
  // openapi-fetch never sends through this: every call passes its own fetch (below).
  const inner = createClient<AlmaraPayPaths, "application/json">({ baseUrl: resolved.baseUrl });
  inner.use(
    createAuthMiddleware({
      tokenProvider,
      ...(resolved.logger ? { logger: resolved.logger } : {}),
    }),
  );
  /** A send of a call (the 401 replay is a second one): the retry loop over `exchange`. */
  const dispatch = (request: Request, call: CallContext): Promise<Response> => {
    const { operation } = call;
    let named: RequestInfo | undefined;
    const describe = (): RequestInfo => (named ??= describeRequest(request, operation));
    const each: Send = {
      fetch: resolved.fetch,
      timeoutMs: call.timeoutMs,
      maxResponseBytes: call.maxResponseBytes,
      signal: call.signal,
      expectJson: operation?.expectJson,
      describe,
    };
    const retry = (first?: Outcome) =>
      sendWithRetries(
        request,
        {
          policy: call.policy,
          body: call.body,
          unread: call.sends === 1 && call.body !== undefined,
          operation,
          resend: call.sends > 1,
          signal: call.signal,
          log,
          describe,
        },
        (attempt) => exchange(attempt, each),
        first,
      );
    // The common case settled without the retry loop: the first send of a call, a success.
    if (call.sends > 1 || call.signal?.aborted) return failing(retry(), call);
    return exchange(request, each).then(
      (response) => (response.ok ? response : failing(retry({ response }), call)),
      (error: unknown) => failing(retry({ error }), call),
    );
  };
  const send = (sent: Request, call: CallContext): Promise<Response> => {
    call.sends += 1;
    let request = sent;
    if (request.bodyUsed) {
      // A caller's middleware read the body (to sign it, say) and passed the Request on: what it
      // read is what the SDK serialized, so that is what is sent.
      if (call.body === undefined || (call.request !== undefined && call.request !== sent)) {
        return Promise.reject(
          new TypeError(
            "almara-pay: a middleware read the request's body and did not replace the Request, so nothing is left to send",
          ),
        );
      }
      request = rebuildRequest(request, call.body);
      if (call.request === sent) call.request = request;
    }
    const replaced = call.sends === 1 && call.request !== undefined && request !== call.request;
    if (!replaced && (call.body !== undefined || call.sends > 1 || !request.body)) {
      return dispatch(request, call);
    }
    // A body the SDK did not serialize is read once, for the resends and the 401 replay. And a
    // middleware of the caller's that replaced the Request the SDK prepared decides what is sent
    // (its body, its id), for the resends, the replay and the errors alike.
    return (request.body ? request.clone().arrayBuffer() : Promise.resolve(undefined)).then(
      (bytes) => {
        if (replaced) call.operation = deriveOperation(request, basePath, bytes) ?? call.operation;
        call.body = bytes;
        return dispatch(request, call);
      },
    );
  };
  /** One of the client's methods: the call prepared once, then openapi-fetch's method. */
  const method = <M extends (typeof METHODS)[number]>(name: M) => {
    const call = inner[name] as (path: string, init?: CallInit) => Promise<unknown>;
    return ((path: string, init?: CallInit) => {
      let prepared: CallInit;
      try {
        prepared = prepareCall(name, path, init, defaults, send);
      } catch (error) {
        // A usage error rejects the call's promise, as every other failure does.
        return Promise.reject(error);
      }
      return call(path, prepared);
    }) as AlmaraPayClient[M];
  };
  const client: AlmaraPayClient = {
    GET: method("GET"),
    PUT: method("PUT"),
    POST: method("POST"),
    DELETE: method("DELETE"),
    OPTIONS: method("OPTIONS"),
    HEAD: method("HEAD"),
    PATCH: method("PATCH"),
    TRACE: method("TRACE"),
    use: (...middleware) => inner.use(...middleware),
    eject: (...middleware) => inner.eject(...middleware),
    tokenProvider,
  };
  return client;
}
