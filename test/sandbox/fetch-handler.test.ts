/**
 * The sandbox as a fetch handler (`createSandbox`): the whole SDK with no socket, callbacks handed
 * to a function, CORS for pages on other origins; and its node:http adapter hardened: a target
 * that is not a URL, a body over the limit, a close() that waits, callbacks that never follow a
 * redirect. (The fault matrix and the flows run in both forms: see SANDBOX_MODES.)
 */
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAlmaraPay, findPaymentOutcome, unwrap } from "../../src/index.js";
import { createSandbox, startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { LOG_LIMIT } from "../../src/sandbox/settlement.js";
import { TOKEN_LIMIT } from "../../src/sandbox/state.js";
import { billPayment } from "../support/fixtures.js";
import { sandboxToken } from "../support/sandbox.js";

const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

const BASE = "https://sandbox.almara.test";

describe("createSandbox: the sandbox as a fetch handler", () => {
  it("runs the whole SDK with no socket: token, payment, settlement, callback and lookup", async () => {
    const delivered: { url: string; body: unknown }[] = [];
    const sandbox = createSandbox({
      settleDelayMs: 10,
      deliverCallback: async (request) => {
        delivered.push({ url: request.url, body: await request.json() });
        return new Response(null, { status: 204 });
      },
    });
    opened.push(sandbox);
    // Nothing may reach the network: the global fetch fails loudly if anything calls it.
    vi.stubGlobal("fetch", () => Promise.reject(new Error("the network was used")));
    const pay = createAlmaraPay({ baseUrl: BASE, ...sandbox.credentials, fetch: sandbox.fetch });
    const id = "in-memory-1";
    const callBackUrl = "https://shop.example/callbacks/bill";
    const accepted = await unwrap(
      pay.POST("/v1/bill-payments", {
        body: { ...billPayment, originatorConversationId: id, callBackUrl },
      }),
    );
    expect(accepted).toBeDefined();
    await sandbox.settleAll();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ url: callBackUrl });
    expect(JSON.stringify(delivered[0]!.body)).toContain(id);
    expect(sandbox.callbacks).toEqual([
      { url: callBackUrl, originatorConversationId: id, status: 204 },
    ]);
    const outcome = await findPaymentOutcome(pay, id);
    expect(outcome).toMatchObject({ state: "completed" });
    expect(sandbox.transactions()).toEqual([
      { operationId: "postBillPayment", originatorConversationId: id },
    ]);
    expect(sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toContain(
      "POST /v1/bill-payments 200",
    );
  });

  it("takes what fetch takes (a URL and an init), and a caller's abort ends the wait", async () => {
    const sandbox = createSandbox();
    opened.push(sandbox);
    const health = await sandbox.fetch(`${BASE}/v1/bill-services`);
    expect(health.status).toBe(401);
    sandbox.injectFault("findBillServices", { hangMs: 60_000 });
    const controller = new AbortController();
    const waiting = sandbox.fetch(`${BASE}/v1/bill-services`, { signal: controller.signal });
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
  });

  it("a reset fault rejects as a fetch does when the connection drops", async () => {
    const sandbox = createSandbox();
    opened.push(sandbox);
    sandbox.injectFault("findBillServices", { reset: "before" });
    await expect(sandbox.fetch(`${BASE}/v1/bill-services`)).rejects.toThrow(TypeError);
    expect(sandbox.requests.at(-1)?.status).toBe(-1);
  });

  it("close() resolves once a held request has finished (503, not handled), and later requests are answered 503", async () => {
    const sandbox = createSandbox();
    const pay = createAlmaraPay({ baseUrl: BASE, ...sandbox.credentials, fetch: sandbox.fetch });
    await unwrap(pay.GET("/v1/bill-services")); // a token first
    sandbox.injectFault("postBillPayment", { hangMs: 60_000 });
    const held = pay.POST("/v1/bill-payments", {
      body: { ...billPayment, originatorConversationId: "held-1" },
      retry: false,
    });
    while (!sandbox.requests.some((r) => r.path === "/v1/bill-payments")) {
      await new Promise((r) => setTimeout(r, 1));
    }
    await sandbox.close();
    // The payment was never handled: a 503 (ambiguous to the SDK, as any 5xx), nothing recorded.
    await expect(held).rejects.toMatchObject({ name: "AmbiguousOutcomeError", status: 503 });
    expect(sandbox.transactions()).toEqual([]);
    expect((await sandbox.fetch(`${BASE}/v1/bill-services`)).status).toBe(503);
  });
});

describe("bounded", () => {
  it("keeps the most recent tokens and log entries, not every one ever made", async () => {
    const sandbox = createSandbox();
    opened.push(sandbox);
    const token = () => sandboxToken(sandbox, BASE);
    const first = await token();
    const read = (bearer: string) =>
      sandbox.fetch(`${BASE}/v1/bill-services`, { headers: { Authorization: `Bearer ${bearer}` } });
    expect((await read(first)).status).toBe(200);
    for (let i = 0; i < TOKEN_LIMIT; i++) await token();
    expect((await read(first)).status).toBe(401);
    expect((await read(await token())).status).toBe(200);
    // The log keeps the most recent LOG_LIMIT entries, and at most a tenth more.
    let made = TOKEN_LIMIT + 5;
    for (; made <= LOG_LIMIT * 1.1; made++) await read("x");
    expect(sandbox.requests.length).toBeGreaterThanOrEqual(LOG_LIMIT);
    expect(sandbox.requests.length).toBeLessThan(made);
    expect(sandbox.requests.at(-1)).toMatchObject({ path: "/v1/bill-services", status: 401 });
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    new Request(`${BASE}/v1/bill-payments`, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });

  it("answers a loopback page's preflight and marks every answer to it, by default", async () => {
    const sandbox = createSandbox();
    opened.push(sandbox);
    const allowed = await sandbox.fetch(preflight("http://localhost:5173"));
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    const answer = await sandbox.fetch(
      new Request(`${BASE}/v1/bill-services`, { headers: { Origin: "http://127.0.0.1:8080" } }),
    );
    expect(answer.status).toBe(401);
    expect(answer.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:8080");
    const refused = await sandbox.fetch(preflight("https://evil.example"));
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("is configurable: a list, a test, any origin, or none", async () => {
    const listed = createSandbox({ cors: ["https://shop.example"] });
    const none = createSandbox({ cors: false });
    const any = createSandbox({ cors: "*" });
    opened.push(listed, none, any);
    expect((await listed.fetch(preflight("https://shop.example"))).status).toBe(204);
    expect((await listed.fetch(preflight("http://localhost:3000"))).status).toBe(403);
    expect((await none.fetch(preflight("http://localhost:3000"))).status).toBe(403);
    expect((await any.fetch(preflight("https://anywhere.example"))).status).toBe(204);
  });

  it("reads a listed origin as browsers send it, and refuses an entry that is not an origin", async () => {
    const listed = createSandbox({ cors: ["HTTPS://Shop.Example/", "http://127.0.0.1:5173"] });
    opened.push(listed);
    expect((await listed.fetch(preflight("https://shop.example"))).status).toBe(204);
    expect((await listed.fetch(preflight("http://127.0.0.1:5173"))).status).toBe(204);
    for (const entry of ["https://shop.example/app", "shop.example", "https://shop.example/?a"]) {
      expect(() => createSandbox({ cors: [entry] }), entry).toThrow(/cors.*not an origin/);
    }
  });

  it("over node:http too", async () => {
    const sandbox = await startSandbox();
    opened.push(sandbox);
    const answer = await fetch(`${sandbox.url}/v1/bill-payments`, {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST" },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });
});

/** What a raw client gets back for `bytes` sent on a fresh connection (until it closes). */
function exchangeRaw(url: string, bytes: string | Buffer, waitMs = 5000): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(bytes));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(answer));
    // Never a pass by waiting: the test fails if the sandbox leaves the connection open.
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the connection was still open after ${waitMs} ms: ${answer.slice(0, 80)}`));
    }, waitMs).unref();
  });
}

describe("startSandbox hardened", () => {
  let sandbox: Sandbox;
  const start = async (options: Parameters<typeof startSandbox>[0] = {}) => {
    sandbox = await startSandbox({ onError: () => undefined, ...options });
    opened.push(sandbox);
    return sandbox;
  };

  it("a request target that is not a URL is a 400, not a 500", async () => {
    await start();
    const answer = await exchangeRaw(
      sandbox.url,
      "GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
  });

  it("a body over 1 MiB gets its 413 and the connection closed, though the client goes on sending", async () => {
    await start();
    const head =
      "POST /v1/bill-payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${4 * 1024 * 1024}\r\n\r\n`;
    const answer = await exchangeRaw(
      sandbox.url,
      Buffer.concat([Buffer.from(head), Buffer.alloc(1024 * 1024 + 10, 0x20)]),
    );
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 413 Payload Too Large");
  });

  it("close() waits for a held request and leaves no timer behind", async () => {
    await start();
    const timers = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const before = timers();
    sandbox.injectFault("findBillServices", { hangMs: 60_000 });
    const held = fetch(`${sandbox.url}/v1/bill-services`).then(
      (answer) => String(answer.status),
      () => "closed",
    );
    while (sandbox.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
    expect(timers()).toBeGreaterThan(before);
    await sandbox.close();
    expect(timers()).toBe(before);
    expect(await held).toMatch(/^(503|closed)$/);
  });

  it("never follows a callback's redirect (it could lead past callbackHosts)", async () => {
    let reachedTarget = 0;
    const target: Server = createServer((_, response) => {
      reachedTarget += 1;
      response.end();
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/elsewhere`;
    const redirecting: Server = createServer((_, response) => {
      response.writeHead(307, { Location: targetUrl }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    const closeServer = (server: Server) => ({
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    });
    opened.push(closeServer(target), closeServer(redirecting));
    await start({ settleDelayMs: 10 });
    const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });
    const callBackUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/cb`;
    await unwrap(
      pay.POST("/v1/bill-payments", {
        body: { ...billPayment, originatorConversationId: "redirected-1", callBackUrl },
      }),
    );
    await sandbox.settleAll();
    expect(sandbox.callbacks).toEqual([
      { url: callBackUrl, originatorConversationId: "redirected-1", status: 307 },
    ]);
    expect(reachedTarget).toBe(0);
  });
});
