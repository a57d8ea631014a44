/**
 * The sandbox's HTTP server: routing by the spec's operations, bearer checks, request validation
 * against the spec, fault injection, the request log, and callback delivery.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorsByField, oauthError, problem, validationProblem, type Answer } from "./answers.js";
import { Faults, Hangs, type Fault } from "./faults.js";
import { handlers } from "./handlers.js";
import {
  bodyOf,
  branchFor,
  findOperation,
  operations,
  queryOf,
  resolvePointer,
  validatorAt,
  type Operation,
} from "./spec.js";
import { SandboxState } from "./state.js";
import type { Callback } from "./handlers.js";

export interface SandboxOptions {
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  port?: number;
  /** Lifetime of issued tokens in seconds. @default 3600 */
  tokenLifetimeSeconds?: number;
  /** How long a bill payment or payout stays pending before it completes or fails. @default 1000 */
  settleDelayMs?: number;
  /**
   * Where payout results are POSTed: the webhook URL the real API takes from the dashboard.
   * @default undefined (results are only looked up)
   */
  webhookUrl?: string;
  /** Credentials the token endpoint accepts. @default { clientId: "sandbox-client", clientSecret: "sandbox-secret", scope: "PyPay_api" } */
  credentials?: Partial<SandboxCredentials>;
  /**
   * Hosts callbacks may be delivered to. A local simulator posts only to this machine unless told
   * otherwise. @default ["127.0.0.1", "localhost", "[::1]"]
   */
  callbackHosts?: readonly string[];
  /** Told of a failure inside the sandbox (answered 500). @default console.error */
  onError?: (error: unknown) => void;
}

export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  scope: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  operationId?: string;
  originatorConversationId?: string;
}

/** A money-moving transaction the sandbox recorded (what a double payment would show twice). */
export interface RecordedTransaction {
  operationId:
    "postBillPayment" | "createPaymentOrder" | "createExpressDeposit" | "purchaseAirtime";
  originatorConversationId: string;
}

export interface CallbackDelivery {
  url: string;
  originatorConversationId: string;
  /** Status the receiver answered, when it answered. */
  status?: number;
  /** Why it was not delivered. */
  error?: string;
}

export interface Sandbox {
  /** Base URL, for example `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly credentials: SandboxCredentials;
  /** Every request received, in order. */
  readonly requests: readonly LoggedRequest[];
  /** Every callback attempted, in order. */
  readonly callbacks: readonly CallbackDelivery[];
  /** Makes the next `times` requests to an operation (`operationId` or `"POST /v1/…"`) misbehave. */
  injectFault(operation: string, fault: Fault, times?: number): void;
  /** Every money-moving transaction recorded (bill payments, payouts, express deposits, airtime). */
  transactions(): RecordedTransaction[];
  /** Ends every `hangMs` hold now: the held requests are handled and answered. */
  releaseHangs(): void;
  /** Makes every issued token invalid, as if they had expired (the next call meets a 401). */
  revokeTokens(): void;
  /** Settles every pending payment now and waits for their callbacks. */
  settleAll(): Promise<void>;
  /** Stops the server, its timers and its connections. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload = "";
  if (answer.text !== undefined) {
    payload = answer.text;
    if (answer.contentType !== null)
      headers["Content-Type"] = answer.contentType ?? "text/plain; charset=utf-8";
  } else if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    headers["Content-Type"] = "application/json; charset=utf-8";
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  response.writeHead(answer.status, headers);
  response.end(payload);
}

/** Validates query parameters against the operation's parameters. */
function checkQuery(op: Operation, query: URLSearchParams): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const parameter of queryOf(op)) {
    const value = query.get(parameter.name);
    if (value === null) {
      if (parameter.required) errors[parameter.name] = [`The ${parameter.name} field is required.`];
      continue;
    }
    const shown = value.slice(0, 100);
    const validate = validatorAt(parameter.schema);
    // Query values are text: a number-typed parameter is read as a number, as ASP.NET binds it.
    const asNumber = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
    if (!validate(value) && (asNumber === undefined || !validate(asNumber)))
      errors[parameter.name] = [`The value '${shown}' is not valid for ${parameter.name}.`];
  }
  return errors;
}

/** Parses and validates the body; an Answer when it is refused. */
function checkBody(op: Operation, raw: string, contentType: string): { body: unknown } | Answer {
  const declared = bodyOf(op);
  if (!declared) return { body: undefined };
  const { type, pointer } = declared;
  if (type === "application/x-www-form-urlencoded") {
    const body = Object.fromEntries(new URLSearchParams(raw));
    const validate = validatorAt(pointer);
    if (!validate(body)) {
      const missing = (validate.errors ?? []).some(
        (e) => e.keyword === "required" || e.keyword === "minLength",
      );
      if (missing)
        return oauthError(
          400,
          "invalid_request",
          "client_id, client_secret, grant_type and scope are required",
        );
    }
    return { body };
  }
  if (!contentType.toLowerCase().startsWith("application/json")) {
    return problem(415, "Unsupported Media Type");
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return validationProblem({ $: ["The JSON value could not be parsed."] });
  }
  const branch = branchFor(pointer, body);
  const validate = validatorAt(branch.pointer);
  if (validate(body)) return { body };
  if (
    branch.pointer === resolvePointer(pointer) &&
    branch.tag &&
    body !== null &&
    typeof body === "object"
  ) {
    const tag = branch.tag.charAt(0).toUpperCase() + branch.tag.slice(1);
    return validationProblem({ [tag]: [`The field ${tag} must be one of the accepted values.`] });
  }
  return validationProblem(errorsByField(validate.errors ?? []));
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const credentials: SandboxCredentials = {
    clientId: options.credentials?.clientId ?? "sandbox-client",
    clientSecret: options.credentials?.clientSecret ?? "sandbox-secret",
    scope: options.credentials?.scope ?? "PyPay_api",
  };
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const settleDelayMs = options.settleDelayMs ?? 1000;
  const callbackHosts = new Set(options.callbackHosts ?? ["127.0.0.1", "localhost", "[::1]"]);
  const state = new SandboxState();
  const faults = new Faults();
  const hangs = new Hangs();
  let closed = false;
  const requests: LoggedRequest[] = [];
  const callbacks: CallbackDelivery[] = [];
  const pending = new Map<object, { timer: NodeJS.Timeout; settle: () => Promise<void> }>();
  const deliveries = new Set<Promise<void>>();

  async function deliver(callback: Callback): Promise<void> {
    const { url } = callback;
    if (!url) return;
    const entry: CallbackDelivery = {
      url,
      originatorConversationId: callback.originatorConversationId,
    };
    callbacks.push(entry);
    let host: string;
    try {
      host = new URL(url).host.replace(/:\d+$/, "");
    } catch {
      entry.error = "the callback URL is not a URL";
      return;
    }
    if (!callbackHosts.has(host)) {
      entry.error = `host ${host} is not in callbackHosts`;
      return;
    }
    try {
      const answer = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(callback.body),
        signal: AbortSignal.timeout(5000),
      });
      entry.status = answer.status;
      await answer.body?.cancel();
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
    }
  }

  function schedule(key: object, settle: () => Callback | readonly Callback[] | undefined): void {
    const run = async () => {
      clearTimeout(pending.get(key)?.timer);
      if (!pending.delete(key)) return; // settled already, or stopped
      const settled = settle() ?? [];
      const inOrder = "length" in settled ? settled : [settled];
      // Several callbacks for one transaction go out one after the other, in order.
      const delivery = inOrder.reduce<Promise<void>>(
        (previous, callback) => previous.then(() => deliver(callback)),
        Promise.resolve(),
      );
      deliveries.add(delivery);
      await delivery.finally(() => deliveries.delete(delivery));
    };
    pending.set(key, { timer: setTimeout(() => void run(), settleDelayMs), settle: run });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const log: LoggedRequest = { method, path: url.pathname, status: 0 };
    requests.push(log);
    const reply = (answer: Answer) => {
      log.status = answer.status;
      send(response, answer);
    };
    const op = findOperation(method, url.pathname);
    if (!op) {
      const known = operations.some((o) => o.path === url.pathname);
      return reply(known ? problem(405, "Method Not Allowed") : problem(404, "Not Found"));
    }
    log.operationId = op.operationId;
    let raw: string;
    try {
      raw = await readBody(request);
    } catch (error) {
      if (error instanceof BodyTooLarge) return reply(problem(413, "Payload Too Large"));
      throw error;
    }

    const fault = faults.take(op.operationId, `${method} ${op.path}`);
    if (fault && "reset" in fault && fault.reset === "before") {
      log.status = -1;
      request.socket.destroy();
      return;
    }
    if (fault && "hangMs" in fault) {
      await hangs.hold(fault.hangMs);
      if (closed) return;
    }
    // Faults that answer do so now, unless they wait until the request was handled.
    const answersNow = fault && !("reset" in fault) && !("hangMs" in fault) && !fault.after;
    if (answersNow) return answerFault(fault, log, response);

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
    const queryErrors = checkQuery(op, url.searchParams);
    if (Object.keys(queryErrors).length > 0) return reply(validationProblem(queryErrors));
    const checked = checkBody(op, raw, request.headers["content-type"] ?? "");
    if ("status" in checked) return reply(checked);
    const body = checked.body as Record<string, unknown> | undefined;
    const sentId = body?.originatorConversationId ?? body?.OriginatorConversationId;
    if (typeof sentId === "string") log.originatorConversationId = sentId;
    const lookup = url.searchParams.get("OriginatorConversationId");
    if (lookup) log.originatorConversationId = lookup;

    const handler = handlers[op.operationId];
    if (!handler) return reply(problem(501, "Not Implemented"));
    const answer = handler({
      body: checked.body,
      query: url.searchParams,
      state,
      credentials,
      tokenLifetimeSeconds,
      schedule,
      cancelSettlement: (key: object) => {
        clearTimeout(pending.get(key)?.timer);
        pending.delete(key);
      },
      webhookUrl: options.webhookUrl,
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    if (fault && "reset" in fault) {
      log.status = -1;
      request.socket.destroy();
      return;
    }
    if (fault && !("hangMs" in fault)) return answerFault(fault, log, response);
    reply(answer);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      (options.onError ?? console.error)(error);
      if (!response.headersSent)
        send(response, problem(500, "An error occurred while processing your request."));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    credentials,
    requests,
    callbacks,
    injectFault: (operation, fault, times) => faults.inject(operation, fault, times),
    transactions: () => [
      ...[...state.payments.keys()].map((id) => recorded("postBillPayment", id)),
      ...[...state.payouts.keys()].map((id) => recorded("createPaymentOrder", id)),
      ...[...state.deposits.keys()].map((id) => recorded("createExpressDeposit", id)),
      ...[...state.airtime.keys()].map((id) => recorded("purchaseAirtime", id)),
    ],
    releaseHangs: () => hangs.releaseAll(),
    revokeTokens: () => state.tokens.clear(),
    async settleAll() {
      await Promise.all([...pending.values()].map((p) => p.settle()));
      await Promise.all([...deliveries]);
    },
    async close() {
      closed = true;
      hangs.releaseAll();
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
      faults.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function recorded(
  operationId: RecordedTransaction["operationId"],
  originatorConversationId: string,
): RecordedTransaction {
  return { operationId, originatorConversationId };
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

/** Answers an answering fault: a canned answer, or a body streamed past any sane size. */
async function answerFault(
  fault: Exclude<Fault, { hangMs: number } | { reset: "before" | "after" }>,
  log: LoggedRequest,
  response: ServerResponse,
): Promise<void> {
  if ("oversized" in fault) {
    log.status = 200;
    response.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
    response.write('{"message":"');
    const chunk = Buffer.alloc(64 * 1024, "x");
    // Written as the client reads, so a client that stops reading stops the stream.
    for (let sent = 0; sent < fault.oversized && !response.destroyed; sent += chunk.length) {
      if (!response.write(chunk)) await drainedOrClosed(response);
    }
    if (!response.destroyed) response.end('"}');
    return;
  }
  const answer = faultAnswer(fault);
  log.status = answer.status;
  send(response, answer);
}

function faultAnswer(fault: Fault): Answer {
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
      body: fault.body ?? { title: "Injected fault", status: fault.status },
      ...(headers ? { headers } : {}),
    };
  }
  return problem(500, "Injected fault");
}
