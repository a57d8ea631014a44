/**
 * One call through the SDK's client, prepared once: the operation it is (from the generated
 * table), the `originatorConversationId` it carries (the caller's, or one made here), whether it
 * moves money, how its answer is read, and its body serialized once. The context travels with the
 * call in the `fetch` openapi-fetch is given for it, so every step reads it (the 401 replay
 * included) and nothing tags Requests by hand; resends are built from the same bytes.
 */
import { isRecord } from "../errors/error-body.js";
import { isSignal } from "./abort.js";
import { operationMeta } from "../generated/operations.js";
import { describeOperation, fieldValues, type OperationContext } from "./operation-context.js";
import type { FetchLike } from "./exchange.js";
import { resolveRetry, type ResolvedRetry, type RetryOptions } from "./retry.js";
import { checkCallLimit } from "./transport.js";

/** What the SDK knows of one call. */
export interface CallContext {
  /** The operation, when the path is one of the spec's. */
  operation: OperationContext | undefined;
  /**
   * The body as sent: the JSON the SDK serialized once, or (a body the SDK did not serialize) the
   * bytes read once from the first Request, for the resends and the 401 replay.
   */
  body: string | ArrayBuffer | undefined;
  /** The retry policy of this call (the client's, with the call's `retry` over it). */
  policy: ResolvedRetry;
  /** This call's timeout per send, in milliseconds. */
  timeoutMs: number;
  /** The longest answer this call reads, in bytes. */
  maxResponseBytes: number;
  /** The caller's own signal, when the call passed one. */
  signal: AbortSignal | undefined;
  /** The Request the SDK's middlewares handed on (a later middleware may replace it). */
  request: Request | undefined;
  /** Sends of this call so far (a second one is the 401 replay). */
  sends: number;
  /** The token the auth middleware sent, until the answer is seen (for the 401 replay). */
  token: string | undefined;
}

/** Each call's `fetch` and its context (the auth middleware finds the call through it). */
const calls = new WeakMap<object, CallContext>();

/** The call's context, when `fetch` is the one the SDK gave this call. */
export function callOf(fetch: unknown): CallContext | undefined {
  return typeof fetch === "function" ? calls.get(fetch) : undefined;
}

/**
 * The values `body` gives the id field, in any casing; a usage error when they disagree or are not
 * a non-empty string (an id is how a transaction is found again).
 */
export function idsIn(body: Record<string, unknown>, field: string): unknown[] {
  // A key set to undefined is a key left out, as JSON.stringify sends it.
  const given = fieldValues(body, field).filter((value) => value !== undefined);
  if (new Set(given).size > 1) {
    throw new TypeError(
      `almara-pay: the body carries ${field} more than once, in different casings and with different values; send it once`,
    );
  }
  if (given.length > 0 && (typeof given[0] !== "string" || given[0].trim() === "")) {
    throw new TypeError(
      `almara-pay: body.${field} must be a non-empty string (or left out, and the SDK makes one)`,
    );
  }
  return given;
}

/** The client's own settings, which a call's options override. */
export interface CallDefaults {
  policy: ResolvedRetry;
  timeoutMs: number;
  maxResponseBytes: number;
}

/** The init a call was given (openapi-fetch's, with the SDK's per-call options). */
export interface CallInit {
  retry?: RetryOptions | false;
  timeoutMs?: number;
  maxResponseBytes?: number;
  body?: unknown;
  parseAs?: string;
  signal?: AbortSignal | null;
  fetch?: unknown;
  bodySerializer?: unknown;
  headers?: unknown;
  [key: string]: unknown;
}

/**
 * The init openapi-fetch gets for a call: the id added when the operation takes one and the
 * caller left it out, text answers read as text unless the call says otherwise, the body
 * serialized once, the per-call options checked and kept in the call's context (a bad one is a
 * usage error before anything is sent), and a `fetch` that carries the context into `send`.
 */
export function prepareCall(
  method: string,
  path: string,
  init: CallInit | undefined,
  defaults: CallDefaults,
  send: (request: Request, call: CallContext) => Promise<Response>,
): CallInit {
  if (init?.fetch !== undefined) {
    // A per-call fetch would bypass the timeouts, the retries and every money-safety rule.
    throw new TypeError(
      "almara-pay: a call cannot pass its own fetch (it would bypass timeouts, retries and money safety); pass fetch to createAlmaraPay",
    );
  }
  const signal = init?.signal ?? undefined;
  if (signal !== undefined && !isSignal(signal)) {
    throw new TypeError("almara-pay: the call's signal must be an AbortSignal");
  }
  const meta = operationMeta[`${method} ${path}`];
  const parseAs = init?.parseAs ?? (meta?.textAnswer ? "text" : "json");
  let body = init?.body;
  // Serialized here, once, as openapi-fetch would (JSON): the retry and the replay reuse the text.
  // openapi-fetch serializes any such body as JSON too, unless it is form-encoded or the call
  // brings its own serializer; a Content-Type of the call's own does not change the JSON.
  const serializeHere =
    (isRecord(body) || Array.isArray(body)) &&
    !(typeof FormData !== "undefined" && body instanceof FormData) &&
    init?.bodySerializer === undefined &&
    !isFormEncoded(init?.headers);
  let text = serializeHere ? serialize(body) : undefined;
  // The id and the money-moving fields are read from what is sent: a getter, a toJSON or a class
  // instance can make the text say something else than the object's own fields.
  let sent: unknown =
    text !== undefined && (meta?.idField || meta?.moneyMovingWhen) ? JSON.parse(text) : body;
  if (meta?.idField && isRecord(sent) && idsIn(sent, meta.idField).length === 0) {
    const id = globalThis.crypto.randomUUID();
    if (text !== undefined) {
      sent[meta.idField] = id; // `sent` was parsed from the text here: the SDK's own object
      text = withField(text, meta.idField, id);
    } else {
      // A body the call serializes itself gets the id as a field of its own: only a plain object
      // can take one without losing what it is (a Blob or a class instance would not survive).
      const proto: unknown = Object.getPrototypeOf(sent);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(
          `almara-pay: ${method} ${path} with its own bodySerializer needs a plain object body, or one that carries its ${meta.idField}: the SDK adds the id to the body, and cannot to this one`,
        );
      }
      body = sent = { ...sent, [meta.idField]: id };
    }
  }
  const call: CallContext = {
    operation: meta ? describeOperation(method, path, sent, parseAs) : undefined,
    body: text,
    policy:
      init?.retry === undefined
        ? defaults.policy
        : resolveRetry(init.retry, defaults.policy, "the call's retry"),
    timeoutMs: checkCallLimit("timeoutMs", init?.timeoutMs) ?? defaults.timeoutMs,
    maxResponseBytes:
      checkCallLimit("maxResponseBytes", init?.maxResponseBytes) ?? defaults.maxResponseBytes,
    signal,
    request: undefined,
    sends: 0,
    token: undefined,
  };
  const fetch: FetchLike = (request) => send(request, call);
  calls.set(fetch, call);
  // (openapi-fetch copies the per-call options onto the Request too; the context's are read.)
  const next: CallInit = { ...init, parseAs, fetch };
  if (body !== init?.body) next.body = body;
  if (text !== undefined) {
    const serialized = text;
    next.bodySerializer = () => serialized;
  }
  return next;
}

/** The body as JSON; a usage error naming the body when it cannot be (a cycle, a BigInt). */
function serialize(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new TypeError(
      `almara-pay: the call's body cannot be sent as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** A JSON object's text with one more field, first (the field is known to be absent). */
function withField(text: string, field: string, value: string): string {
  const added = `${JSON.stringify(field)}:${JSON.stringify(value)}`;
  return text === "{}" ? `{${added}}` : `{${added},${text.slice(1)}`;
}

/** Whether the call's headers make openapi-fetch form-encode the body. */
function isFormEncoded(headers: unknown): boolean {
  if (headers === undefined || headers === null) return false;
  const form = (value: unknown) =>
    typeof value === "string" && value.trim().toLowerCase() === "application/x-www-form-urlencoded";
  if (headers instanceof Headers) return form(headers.get("content-type"));
  if (Array.isArray(headers))
    return headers.some(
      ([name, value]) => String(name).toLowerCase() === "content-type" && form(value),
    );
  return Object.entries(headers).some(
    ([name, value]) => name.toLowerCase() === "content-type" && form(value),
  );
}
