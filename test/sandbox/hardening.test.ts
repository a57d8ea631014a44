/**
 * The sandbox attacked (each case failed before its fix): bodies nested past what the API reads,
 * clients that stall or leave mid-body, a reset behind MSW, a callback receiver that never
 * answers, a server's second argument that looks like a RequestInit, and the API's own leniency
 * (last-wins binding, any-case Bearer, routes in any case, text/json) and strictness (UTF-8).
 */
import { connect } from "node:net";
import { setupServer } from "msw/node";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, startSandbox, type SandboxHandler } from "../../src/sandbox/index.js";
import { sandboxHandler } from "../../src/sandbox/msw.js";
import { billPayment, payout } from "../support/fixtures.js";
import { sandboxToken } from "../support/sandbox.js";
import { describeErrors, resolvePointer, validatorAt } from "../support/spec.js";

const BASE = "https://sandbox.almara.test";
const opened: { close(): Promise<unknown> | void }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

function sandboxed(options: Parameters<typeof createSandbox>[0] = {}): SandboxHandler {
  const sandbox = createSandbox({ onError: (error) => errors.push(error), ...options });
  opened.push(sandbox);
  return sandbox;
}
const errors: unknown[] = [];

async function post(
  sandbox: SandboxHandler,
  path: string,
  body: string,
  type = "application/json",
) {
  return sandbox.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await sandboxToken(sandbox, BASE)}`, "Content-Type": type },
    body,
  });
}

describe("bodies and clients", () => {
  it("a body nested past 64 levels is a 400, never a 500 now or a crash at settlement", async () => {
    errors.length = 0;
    const sandbox = sandboxed({ settleDelayMs: 1, deliverCallback: () => new Response(null) });
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const order = JSON.stringify({ ...payout(), originatorConversationId: "deep-1" });
    const body = order.replace('"name":"Amina Otieno"', `"name":"Amina Otieno","junk":${deep}`);
    const answer = await post(sandbox, "/v1/payment-order/new-order", body);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain("depth of 64");
    expect(sandbox.transactions()).toEqual([]);
    await sandbox.settleAll();
    expect(errors).toEqual([]);
  });

  it("close() ends a request whose body never finishes (node:http and in memory)", async () => {
    const server = await startSandbox({ onError: () => undefined });
    const { port } = new URL(server.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.on("error", () => undefined);
    socket.write(
      "POST /v1/bill-payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        'Content-Length: 100\r\n\r\n{"a":',
    );
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
    await server.close(); // resolves: the stalled body is cancelled
    socket.destroy();

    const memory = createSandbox();
    const stalled = memory.fetch(`${BASE}/v1/bill-payments`, {
      method: "POST",
      body: new ReadableStream({ pull: () => new Promise(() => undefined) }),
      duplex: "half",
    } as RequestInit);
    stalled.catch(() => undefined);
    while (memory.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
    await memory.close();
    expect((await stalled).status).toBe(503); // ended unhandled, as a held request is
  });

  it("a client that leaves mid-body is logged as dropped, not as a 500 or an internal failure", async () => {
    const failures: unknown[] = [];
    const server = await startSandbox({ onError: (error) => failures.push(error) });
    opened.push(server);
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      "POST /v1/bill-payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        'Content-Length: 100\r\n\r\n{"a":',
    );
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
    socket.destroy();
    while (server.requests[0]!.status === 0) await new Promise((r) => setTimeout(r, 1));
    expect(server.requests[0]!.status).toBe(-1);
    expect(failures).toEqual([]);
  });

  it("bytes that are not UTF-8 are a 400", async () => {
    const sandbox = sandboxed();
    const answer = await sandbox.fetch(`${BASE}/v1/bill-payments`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${await sandboxToken(sandbox, BASE)}`,
        "Content-Type": "application/json",
      },
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    expect(answer.status).toBe(400);
  });
});

describe("adapters", () => {
  it("a reset behind MSW is a network error, not a 500", async () => {
    const sandbox = sandboxed();
    const server = setupServer(sandboxHandler(sandbox, BASE));
    server.listen({ onUnhandledRequest: "error" });
    opened.push({ close: () => server.close() });
    sandbox.injectFault("checkHealth", { reset: "before" });
    await expect(fetch(`${BASE}/api_health_check`)).rejects.toThrow(TypeError);
  });

  it("served directly, a second argument that is not a RequestInit changes nothing (a Worker's env)", async () => {
    const sandbox = sandboxed();
    const env = { mode: "production", cache: {}, method: "x", headers: "x", API_KEY: "k" };
    const answer = await sandbox.fetch(
      new Request(`${BASE}/api_health_check`),
      env as unknown as RequestInit,
    );
    expect(answer.status).toBe(200);
  });

  it("a callback receiver that never answers is given up on, and settleAll() returns", async () => {
    const sandbox = sandboxed({
      settleDelayMs: 1,
      deliverCallback: () => new Promise<Response>(() => undefined),
    });
    const answer = await post(
      sandbox,
      "/v1/bill-payments",
      JSON.stringify({ ...billPayment, callBackUrl: "https://shop.example/cb" }),
    );
    expect(answer.status).toBe(200);
    await sandbox.settleAll();
    expect(sandbox.callbacks).toEqual([
      {
        url: "https://shop.example/cb",
        originatorConversationId: billPayment.originatorConversationId,
        error: "timed out after 5 s",
      },
    ]);
  }, 30_000);
});

describe("as the API reads requests", () => {
  it("a name given in several casings binds the last, as System.Text.Json does", async () => {
    const sandbox = sandboxed();
    const twice = JSON.stringify(billPayment).replace('"amount":1500', '"amount":1500,"AMOUNT":-5');
    expect((await post(sandbox, "/v1/bill-payments", twice)).status).toBe(400);
  });

  it("takes Bearer in any case, routes in any case or with a trailing slash, and text/json", async () => {
    const sandbox = sandboxed();
    const token = await sandboxToken(sandbox, BASE);
    const read = (path: string, scheme = "Bearer") =>
      sandbox.fetch(`${BASE}${path}`, { headers: { Authorization: `${scheme} ${token}` } });
    expect((await read("/v1/bill-services", "bearer")).status).toBe(200);
    expect((await read("/V1/Bill-Services")).status).toBe(200);
    expect((await read("/v1/bill-services/")).status).toBe(200);
    const body = JSON.stringify({ ...billPayment, originatorConversationId: "text-json-1" });
    expect((await post(sandbox, "/v1/bill-payments", body, "text/json")).status).toBe(200);
    expect((await post(sandbox, "/v1/bill-payments", body, "application/jsonfoo")).status).toBe(
      415,
    );
  });

  it("refuses a field the spec does not name, at any depth, and a body that is not JSON, as the spec declares", async () => {
    const sandbox = sandboxed();
    /** The answer's body, checked against what the spec declares for that status and type. */
    const declared = async (answer: Response, status: number) => {
      expect(answer.status).toBe(status);
      const type = answer.headers.get("content-type")!.split(";")[0]!;
      expect(type).toBe("application/problem+json");
      const response = resolvePointer(`/paths/~1v1~1bill-payments/post/responses/${status}`);
      const validate = validatorAt(`${response}/content/application~1problem+json/schema`);
      const body = (await answer.json()) as { errors?: Record<string, string[]> };
      expect(validate(body), describeErrors(validate.errors).join("\n")).toBe(true);
      return body;
    };
    const misspelt = JSON.stringify({ ...billPayment, amout: 1500 });
    const refused = await declared(await post(sandbox, "/v1/bill-payments", misspelt), 400);
    expect(refused.errors).toEqual({ Amout: ["The field Amout is not a field of this request."] });
    const order = { ...payout(), originatorConversationId: "nested-typo-1" };
    const [line] = order.paymentOrderLines;
    const nested = JSON.stringify({
      ...order,
      paymentOrderLines: [{ ...line, transaction: { ...line!.transaction, refrence: "x" } }],
    });
    const deep = await post(sandbox, "/v1/payment-order/new-order", nested);
    expect(deep.status).toBe(400);
    expect(Object.keys(((await deep.json()) as { errors: object }).errors)).toEqual([
      "PaymentOrderLines[0].Transaction.Refrence",
    ]);
    // Other casings of declared names are the API's own binding: still accepted.
    const { amount, ...rest } = billPayment;
    const cased = JSON.stringify({ ...rest, Amount: amount });
    expect((await post(sandbox, "/v1/bill-payments", cased)).status).toBe(200);
    // Names an object inherits are no fields either (one used to slip past the validator, and
    // `__proto__` to end in a 500).
    for (const key of ["constructor", "__proto__", "toString"]) {
      const inherited = `{"transactionType":3,"serviceCode":"KE-ZUKU","accountNumber":"240065","${key}":{"a":1}}`;
      const answer = await declared(await post(sandbox, "/v1/bill-payments", inherited), 400);
      expect(Object.keys(answer.errors!), key).toHaveLength(1);
    }
    const body = JSON.stringify(billPayment);
    await declared(await post(sandbox, "/v1/bill-payments", body, "text/plain"), 415);
    expect(sandbox.transactions().length).toBe(1);
  });

  it("refuses a token request that is not UTF-8, or too long, as the spec declares", async () => {
    const sandbox = sandboxed();
    const form = (body: string | Uint8Array) =>
      sandbox.fetch(`${BASE}/connect/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
    const notUtf8 = await form(new Uint8Array([0x63, 0x3d, 0xff, 0xfe]));
    expect(notUtf8.status).toBe(400);
    const oauth = validatorAt("/components/schemas/OAuthError");
    expect(oauth(await notUtf8.json())).toBe(true);
    const long = await form(`client_id=${"x".repeat(1024 * 1024 + 1)}`);
    expect(long.status).toBe(413);
    const declared = resolvePointer("/paths/~1connect~1token/post/responses/413");
    const problem = validatorAt(`${declared}/content/application~1problem+json/schema`);
    expect(long.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(problem(await long.json())).toBe(true);
  });

  it("an oversized fault sends exactly that many bytes", async () => {
    const sandbox = sandboxed();
    for (const size of [14, 99, 64 * 1024 + 7]) {
      sandbox.injectFault("checkHealth", { oversized: size });
      const answer = await sandbox.fetch(`${BASE}/api_health_check`);
      const bytes = new Uint8Array(await answer.arrayBuffer());
      expect(bytes.byteLength, String(size)).toBe(size);
      expect(() => JSON.parse(new TextDecoder().decode(bytes))).not.toThrow();
    }
  });

  it("refuses an unknown option, or one of the wrong kind, naming it", async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ foo: 1 }, /options\.foo is not an option/],
      [{ tokenLifetimeSeconds: 0 }, /tokenLifetimeSeconds/],
      [{ tokenLifetimeSeconds: 0.5 }, /tokenLifetimeSeconds/],
      [{ credentials: { clientSecret: "" } }, /credentials\.clientSecret/],
      [{ credentials: { secret: "x" } }, /credentials\.secret/],
      [{ callbackHosts: "localhost" }, /callbackHosts/],
      [{ cors: 5 }, /cors/],
      [{ webhookUrl: "nope" }, /webhookUrl/],
      [{ deliverCallback: 5 }, /deliverCallback/],
      [{ onError: 5 }, /onError/],
      [{ port: "x" }, /port/],
      [{ port: 70000 }, /port/],
    ];
    for (const [options, named] of bad) {
      expect(() => createSandbox(options as never), JSON.stringify(options)).toThrow(named);
    }
    await expect(startSandbox({ port: "x" } as never)).rejects.toThrow(/options\.port/);
    for (const [fault, named] of [
      [{ bogus: 1 }, /bogus/],
      [{ reset: "middle" }, /reset/],
      [{ status: 503, retryAftr: 1 }, /retryAftr/],
      [{ hangMs: 10, after: true }, /after/],
      [{}, /names one of/],
    ] as const) {
      expect(
        () => sandboxed().injectFault("checkHealth", fault as never),
        JSON.stringify(fault),
      ).toThrow(named);
    }
  });

  it("refuses options and faults it cannot honour, naming them", () => {
    expect(() => createSandbox({ settleDelayMs: Infinity })).toThrow(/settleDelayMs/);
    const sandbox = sandboxed();
    expect(() => sandbox.injectFault("noSuchOperation", { status: 500 })).toThrow(
      /noSuchOperation/,
    );
    expect(() => sandbox.injectFault("checkHealth", { status: 99 })).toThrow(/status/);
    expect(() => sandbox.injectFault("checkHealth", { hangMs: 2 ** 31 })).toThrow(/hangMs/);
    expect(() => sandbox.injectFault("checkHealth", { oversized: Number.NaN })).toThrow(
      /oversized/,
    );
    expect(() =>
      sandbox.injectFault("checkHealth", { raw: "x", contentType: "text/plain\r\nX-Evil: 1" }),
    ).toThrow(/contentType/);
  });
});
