/**
 * The sandbox as a fetch handler: routing by the spec's operations, CORS, bearer checks, request
 * validation against the spec, fault injection, the request log, settlement and callbacks. No
 * socket: `startSandbox` (server.ts) puts it behind node:http, and `sandbox.fetch` works as the
 * SDK's `fetch`, behind MSW, or under `Deno.serve`, `Bun.serve` or a Worker.
 */
import { isSignal } from "../pipeline/abort.js";
import { oauthError, problem, PROBLEM_JSON, validationProblem, type Answer } from "./answers.js";
import { corsHeaders, isPreflight, originCheck, preflight } from "./cors.js";
import { FAULT_KEYS, Faults, Hangs, faultKind, type Fault } from "./faults.js";
import { handlers } from "./handlers/index.js";
import { checkBody, checkQuery } from "./request-checks.js";
import { Settlements, logEntry } from "./settlement.js";
import { bindQuery } from "./binding.js";
import { checkSandboxOptions } from "./option-checks.js";
import { findOperation, operations, queryOf } from "./spec.js";
import { SandboxState } from "./state.js";
import type {
  CallbackDelivery,
  LoggedRequest,
  RecordedTransaction,
  SandboxCredentials,
  SandboxHandler,
  SandboxOptions,
} from "./types.js";

/** The largest request body read: a longer one is answered 413. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What the node:http adapter does instead of answering: drop the connection. */
export const RESET = Symbol("almara-pay.sandbox.reset");
export type Outcome = Response | typeof RESET;

/** The handler with what its adapters need beyond `fetch`. */
export interface SandboxCore extends SandboxHandler {
  /** Answers a request, or says the connection is to be dropped (a `reset` fault). */
  respond(request: Request): Promise<Outcome>;
}

export function createSandbox(options: SandboxOptions = {}): SandboxHandler {
  const core = createSandboxCore(options);
  const { respond: _respond, ...handler } = core;
  return handler;
}

export function createSandboxCore(given: SandboxOptions = {}): SandboxCore {
  const options = checkSandboxOptions(given);
  const credentials: SandboxCredentials = {
    clientId: options.credentials?.clientId ?? "sandbox-client",
    clientSecret: options.credentials?.clientSecret ?? "sandbox-secret",
    scope: options.credentials?.scope ?? "PyPay_api",
  };
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const settleDelayMs = options.settleDelayMs ?? 1000;
  const allowed = originCheck(options.cors);
  const state = new SandboxState();
  const faults = new Faults();
  const hangs = new Hangs();
  const requests: LoggedRequest[] = [];
  const callbacks: CallbackDelivery[] = [];
  const settlements = new Settlements({
    settleDelayMs,
    callbackHosts: new Set(options.callbackHosts ?? ["127.0.0.1", "localhost", "[::1]"]),
    deliverCallback: options.deliverCallback,
    callbacks,
    onError: (error) => (options.onError ?? console.error)(error),
  });
  const running = new Set<Promise<unknown>>();
  /** The bodies being read now: closing cancels them, so no handler waits on a stalled client. */
  const reading = new Set<ReadableStreamDefaultReader<Uint8Array>>();
  let closed = false;

  /** The answer to one request (CORS headers added by `respond`). */
  async function handle(
    request: Request,
    url: URL,
    log: LoggedRequest,
    cors: Record<string, string>,
  ): Promise<Outcome> {
    const reply = (answer: Answer): Response => {
      log.status = answer.status;
      return toResponse(answer, cors);
    };
    if (closed) return reply(problem(503, "Service Unavailable"));
    // ASP.NET routes without regard to case, and with or without a trailing slash.
    const path = routeOf(url.pathname);
    const op = findOperation(request.method, path);
    if (!op) {
      const known = operations.some((o) => o.path === path);
      return reply(known ? problem(405, "Method Not Allowed") : problem(404, "Not Found"));
    }
    log.operationId = op.operationId;
    let raw: string | null | undefined;
    try {
      raw = await readText(request, reading);
    } catch {
      // The body never arrived whole (the client went away, its stream failed): nothing to answer.
      log.status = -1;
      return RESET;
    }
    if (raw === undefined) return reply(problem(413, "Payload Too Large"));
    if (raw === null) {
      // Not UTF-8: the token endpoint refuses it as OAuth does, the rest as ASP.NET's binding.
      return reply(
        op.operationId === "requestToken"
          ? oauthError(400, "invalid_request", "The request body is not UTF-8")
          : validationProblem({ $: ["The JSON value could not be parsed."] }),
      );
    }
    if (closed) return reply(problem(503, "Service Unavailable"));

    const fault = faults.take(op.operationId, `${request.method} ${op.path}`);
    if (fault && "reset" in fault && fault.reset === "before") {
      log.status = -1;
      return RESET;
    }
    if (fault && "hangMs" in fault) {
      await hangs.hold(fault.hangMs);
      // Closed while held: nothing is handled.
      if (closed) return reply(problem(503, "Service Unavailable"));
    }
    // Faults that answer do so now, unless they wait until the request was handled.
    const answersNow = fault && !("reset" in fault) && !("hangMs" in fault) && !fault.after;
    if (answersNow) return answerFault(fault, log, cors);

    if (op.secured) {
      const token = bearerToken(request);
      if (!token || !state.tokenIsValid(token)) {
        return reply(
          oauthError(
            401,
            "invalid_token",
            token ? "The access token is invalid or expired" : "No bearer token was sent",
          ),
        );
      }
    }
    // Bound as the API binds it: names (and enum names) without regard to case, numbers as such.
    const query = bindQuery(url.searchParams, queryOf(op));
    const queryErrors = checkQuery(op, query);
    if (Object.keys(queryErrors).length > 0) return reply(validationProblem(queryErrors));
    const checked = checkBody(op, raw, request.headers.get("content-type") ?? "");
    if ("status" in checked) return reply(checked);
    const body = checked.body as Record<string, unknown> | undefined;
    const sentId = body?.originatorConversationId ?? body?.OriginatorConversationId;
    if (typeof sentId === "string") log.originatorConversationId = sentId;
    const lookup = query.get("OriginatorConversationId");
    if (lookup) log.originatorConversationId = lookup;

    const handler = handlers[op.operationId];
    if (!handler) return reply(problem(501, "Not Implemented"));
    const answer = handler({
      body: checked.body,
      query,
      state,
      credentials,
      tokenLifetimeSeconds,
      schedule: (key, settle) => settlements.schedule(key, settle),
      cancelSettlement: (key) => settlements.cancel(key),
      webhookUrl: options.webhookUrl,
      baseUrl: url.origin,
    });
    if (fault && "reset" in fault) {
      log.status = -1;
      return RESET;
    }
    if (fault && !("hangMs" in fault)) return answerFault(fault, log, cors);
    return reply(answer);
  }

  async function respond(request: Request): Promise<Outcome> {
    if (isPreflight(request)) return preflight(request, allowed);
    const url = new URL(request.url);
    const log = logEntry(requests, {
      method: request.method,
      path: url.pathname,
      status: 0,
    } as LoggedRequest);
    const cors = corsHeaders(request, allowed);
    const handling = handle(request, url, log, cors).catch((error: unknown) => {
      (options.onError ?? console.error)(error);
      log.status = 500;
      return toResponse(problem(500, "An error occurred while processing your request."), cors);
    });
    running.add(handling);
    try {
      return await handling;
    } finally {
      running.delete(handling);
    }
  }

  async function fetchHandler(
    input: Request | string | URL,
    init?: RequestInit,
  ): Promise<Response> {
    // Next to a Request, the second argument is read for its signal only: served directly, it is
    // the server's own (Deno's connection info, Bun's server, a Worker's env, whatever it holds).
    const given = (init as { signal?: unknown } | undefined)?.signal;
    const request = input instanceof Request ? input : new Request(input, init);
    const signal = input instanceof Request && isSignal(given) ? given : request.signal;
    // A Request made here from a URL and an init without a signal: no one can abort it.
    if (!(input instanceof Request) && init?.signal == null) {
      const outcome = await respond(request);
      if (outcome === RESET) throw dropped();
      return outcome;
    }
    if (signal.aborted) throw signal.reason;
    // As a fetch would: the caller's abort ends the wait (the request may have been handled).
    const outcome = await new Promise<Outcome>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      respond(request)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener("abort", onAbort));
    });
    if (outcome === RESET) throw dropped();
    return outcome;
  }

  return {
    fetch: fetchHandler,
    respond,
    credentials,
    requests,
    callbacks,
    injectFault: (operation: string, fault: Fault, times?: number) => {
      checkFault(operation, fault);
      faults.inject(operation, fault, times);
    },
    transactions: () => [
      ...[...state.payments.keys()].map((id) => recorded("postBillPayment", id)),
      ...[...state.payouts.keys()].map((id) => recorded("createPaymentOrder", id)),
      ...[...state.deposits.keys()].map((id) => recorded("createExpressDeposit", id)),
      ...[...state.airtime.keys()].map((id) => recorded("purchaseAirtime", id)),
    ],
    releaseHangs: () => hangs.releaseAll(),
    revokeTokens: () => state.tokens.clear(),
    settleAll: () => settlements.settleAll(),
    async close() {
      closed = true;
      hangs.releaseAll();
      faults.clear();
      for (const reader of reading) void reader.cancel().catch(() => undefined);
      // Every request being handled finishes (a held one answers 503), then no timer is left.
      while (running.size > 0) await Promise.allSettled([...running]);
      await settlements.close();
    },
  };
}

/** A fault that can be applied, to an operation of the spec; a TypeError or RangeError otherwise. */
function checkFault(operation: string, fault: Fault): void {
  const known = operations.some(
    (o) => o.operationId === operation || `${o.method} ${o.path}` === operation,
  );
  if (!known) {
    throw new TypeError(
      `almara-pay/sandbox: injectFault: ${operation} is not an operationId or "METHOD /path" of the spec`,
    );
  }
  const range = (name: string, value: unknown, min: number, max: number) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `almara-pay/sandbox: injectFault: ${name} must be an integer from ${min} to ${max}`,
      );
    }
  };
  const header = (name: string, value: unknown) => {
    if (typeof value === "string" && /[\r\n\0]/.test(value)) {
      throw new TypeError(`almara-pay/sandbox: injectFault: ${name} cannot hold a line break`);
    }
  };
  if (typeof fault !== "object" || fault === null) {
    throw new TypeError("almara-pay/sandbox: injectFault: the fault must be an object");
  }
  // Each kind takes its own keys: any other (a misspelling, two kinds at once) is refused.
  const kind = faultKind(fault);
  const allowed = FAULT_KEYS[kind];
  for (const key of Object.keys(fault)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `almara-pay/sandbox: injectFault: a ${kind} fault takes ${allowed.join(", ")}, not ${key}`,
      );
    }
  }
  if ("status" === kind && !("status" in fault)) {
    throw new TypeError(
      "almara-pay/sandbox: injectFault: a fault names one of status, hangMs, reset, malformed, html, empty, raw, oversized",
    );
  }
  if ("reset" in fault && fault.reset !== "before" && fault.reset !== "after") {
    throw new TypeError('almara-pay/sandbox: injectFault: reset must be "before" or "after"');
  }
  if ("after" in fault && fault.after !== undefined && typeof fault.after !== "boolean") {
    throw new TypeError("almara-pay/sandbox: injectFault: after must be a boolean");
  }
  if ("hangMs" in fault) range("hangMs", fault.hangMs, 0, 2_147_483_647);
  else if ("oversized" in fault) range("oversized", fault.oversized, 1, 2 ** 40);
  else if ("html" in fault) range("html", fault.html, 200, 599);
  else if ("raw" in fault) {
    if (fault.status !== undefined) range("status", fault.status, 200, 599);
    header("contentType", fault.contentType);
  } else if ("status" in fault) {
    range("status", fault.status, 200, 599);
    if (fault.retryAfter !== undefined) header("retryAfter", String(fault.retryAfter));
  }
}

/** What a fetch rejects with when the connection drops. */
function dropped(): TypeError {
  return new TypeError("fetch failed", {
    cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
  });
}

/** The request's body as text, at most MAX_BODY_BYTES of it (undefined past that; null: not UTF-8). */
async function readText(
  request: Request,
  reading: Set<ReadableStreamDefaultReader<Uint8Array>>,
): Promise<string | null | undefined> {
  if (!request.body) return "";
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > MAX_BODY_BYTES) {
    await request.body.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = request.body.getReader();
  reading.add(reader);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reading.delete(reader);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // Bytes that are not UTF-8 are not a body the API would read (null: refused as unparseable).
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The spec's path a request path names (its casing, no trailing slash), or the path itself. */
const specPaths = new Map(operations.map((o) => [o.path.toLowerCase(), o.path]));
function routeOf(pathname: string): string {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return specPaths.get(trimmed.toLowerCase()) ?? pathname;
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  // The scheme in any casing, as ASP.NET reads it.
  return header && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
}

function recorded(
  operationId: RecordedTransaction["operationId"],
  originatorConversationId: string,
): RecordedTransaction {
  return { operationId, originatorConversationId };
}

/** An answer as a Response: JSON, or raw text with its content type. */
export function toResponse(answer: Answer, extra?: Record<string, string>): Response {
  // One plain object for every header: the Response checks them once, as it builds its own.
  const headers: Record<string, string> = { ...answer.headers, ...extra };
  let payload: string | null = null;
  if (answer.text !== undefined) {
    payload = answer.text;
    if (answer.contentType !== null)
      headers["Content-Type"] = answer.contentType ?? "text/plain; charset=utf-8";
  } else if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    headers["Content-Type"] = answer.contentType ?? "application/json; charset=utf-8";
  }
  // Statuses a Response cannot give a body (a fault may ask for one: it is dropped).
  const nullBody = answer.status === 204 || answer.status === 205 || answer.status === 304;
  if (!nullBody) headers["Content-Length"] = String(utf8Length(payload ?? ""));
  return new Response(nullBody ? null : (payload ?? ""), { status: answer.status, headers });
}

const utf8 = new TextEncoder();

/** The length of a string in UTF-8 bytes (plain ASCII, the usual answer, is not encoded). */
function utf8Length(text: string): number {
  return /^[\x00-\x7f]*$/.test(text) ? text.length : utf8.encode(text).byteLength;
}

/** Answers an answering fault: a canned answer, or a body streamed past any sane size. */
function answerFault(
  fault: Exclude<Fault, { hangMs: number } | { reset: "before" | "after" }>,
  log: LoggedRequest,
  cors: Record<string, string>,
): Response {
  if ("oversized" in fault) {
    log.status = 200;
    // Exactly `oversized` bytes: `{"message":"xxx…"}` (its start alone, when that is longer).
    const total = fault.oversized;
    const head = new TextEncoder().encode('{"message":"');
    const tail = new TextEncoder().encode('"}');
    const filler = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    // Made as the client reads, so a client that stops reading stops the stream.
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const left = total - sent;
          if (left <= 0) return controller.close();
          const tailAt = total - tail.byteLength;
          let chunk: Uint8Array;
          if (sent < head.byteLength) chunk = head.subarray(sent, Math.min(head.byteLength, total));
          else if (sent < tailAt)
            chunk = filler.subarray(0, Math.min(filler.byteLength, tailAt - sent));
          else chunk = tail.subarray(sent - tailAt);
          controller.enqueue(chunk);
          sent += chunk.byteLength;
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      status: 200,
      headers: { ...cors, "Content-Type": "application/json; charset=utf-8" },
    });
  }
  const answer = faultAnswer(fault, log.operationId);
  log.status = answer.status;
  return toResponse(answer, cors);
}

function faultAnswer(fault: Fault, operationId: string | undefined): Answer {
  if ("malformed" in fault)
    return { status: 200, text: '{"message": {"remarks": ', contentType: "application/json" };
  if ("empty" in fault) {
    return {
      status: 200,
      text: "",
      contentType: fault.contentType === null ? null : "application/json",
    };
  }
  if ("raw" in fault)
    return { status: fault.status ?? 200, text: fault.raw, contentType: fault.contentType };
  if ("html" in fault) {
    return {
      status: fault.html,
      text: "<html><body><h1>Service Unavailable</h1></body></html>",
      contentType: "text/html",
    };
  }
  if ("status" in fault) {
    const headers =
      fault.retryAfter === undefined ? undefined : { "Retry-After": String(fault.retryAfter) };
    return {
      status: fault.status,
      ...(fault.body === undefined ? faultBody(fault.status, operationId) : { body: fault.body }),
      ...(headers ? { headers } : {}),
    };
  }
  return problem(500, "Injected fault");
}

/** What an injected status answers when the fault names no body: the shape the spec declares. */
function faultBody(
  status: number,
  operationId: string | undefined,
): Pick<Answer, "body" | "contentType"> {
  const token = operationId === "requestToken";
  // A 401, and the token endpoint's 400, are OAuth errors; the rest are ProblemDetails.
  if (status === 401 || (token && status === 400)) {
    const error = status === 400 ? "invalid_request" : token ? "invalid_client" : "invalid_token";
    return { body: { error, error_description: "Injected fault" } };
  }
  return { body: { title: "Injected fault", status }, contentType: PROBLEM_JSON };
}
