/**
 * The sandbox from a browser, in headless Chromium: a page on one origin calls the node:http
 * sandbox on another through the SDK (CORS, preflights included), and a page runs the sandbox
 * in memory behind MSW's service worker, which answers the SDK's calls to an origin that does
 * not exist. Chromium is installed when missing (test/support/chromium.ts); the test fails, never
 * skips, when it cannot run.
 */
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { chromiumArgs, ensureChromium } from "../support/chromium.js";
import { billPayment } from "../support/fixtures.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A bill payment under an id the SDK makes. */
const { originatorConversationId: _id, ...payment } = billPayment;

/** The page's program: the SDK's flow against `baseUrl`, its outcome in `globalThis.__result`. */
const flow = `
import { createAlmaraPay, unwrap } from "./src/index.ts";
export async function flow(baseUrl) {
  const pay = createAlmaraPay({
    baseUrl,
    clientId: "sandbox-client",
    clientSecret: "sandbox-secret",
    dangerouslyAllowBrowser: true,
  });
  const services = await unwrap(pay.GET("/v1/bill-services"));
  await unwrap(pay.POST("/v1/bill-payments", { body: ${JSON.stringify(payment)} }));
  return { services: services.length };
}
export function report(run) {
  run.then(
    (result) => (globalThis.__result = { ok: true, origin: location.origin, ...result }),
    (error) => (globalThis.__result = { ok: false, error: String(error && error.stack || error) }),
  );
}
`;

const pages: Record<string, string> = {
  "cors.js": `
import { flow, report } from "./flow.ts";
report(flow(new URLSearchParams(location.search).get("sandbox")));
`,
  "msw.js": `
import { setupWorker } from "msw/browser";
import { createSandbox } from "./src/sandbox/fetch-only.ts";
import { sandboxHandler } from "./src/sandbox/msw.ts";
import { flow, report } from "./flow.ts";
const sandbox = createSandbox({ settleDelayMs: 10 });
const worker = setupWorker(sandboxHandler(sandbox, "https://sandbox.almara.test"));
report(
  worker
    .start({ serviceWorker: { url: "/mockServiceWorker.js" }, onUnhandledRequest: "error", quiet: true })
    .then(() => flow("https://sandbox.almara.test"))
    .then((result) => ({ ...result, transactions: sandbox.transactions().length, requests: sandbox.requests.length })),
);
`,
};

async function bundle(entry: string): Promise<string> {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: "ts", sourcefile: "page.ts" },
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "flow",
        setup(b) {
          b.onResolve({ filter: /^\.\/flow\.ts$/ }, () => ({ path: "flow", namespace: "flow" }));
          b.onLoad({ filter: /.*/, namespace: "flow" }, () => ({
            contents: flow,
            loader: "ts",
            resolveDir: root,
          }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

/** Serves the pages on their own origin (127.0.0.1, another port than the sandbox's). */
async function pageServer(): Promise<Server> {
  const files: Record<string, { type: string; body: string }> = {
    "/mockServiceWorker.js": {
      type: "text/javascript",
      body: await readFile(`${root}node_modules/msw/lib/mockServiceWorker.js`, "utf8"),
    },
  };
  for (const [name, entry] of Object.entries(pages)) {
    files[`/${name}`] = { type: "text/javascript", body: await bundle(entry) };
    files[`/${name.replace(/\.js$/, ".html")}`] = {
      type: "text/html",
      body: `<!doctype html><meta charset="utf-8"><script type="module" src="/${name}"></script>`,
    };
  }
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? "/", "http://x").pathname];
    if (!file) return response.writeHead(404).end();
    response.writeHead(200, { "Content-Type": file.type }).end(file.body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

let browser: Browser;
let pagesAt: string;
let server: Server;
let sandbox: Sandbox;

beforeAll(async () => {
  const executablePath = await ensureChromium();
  [server, sandbox] = await Promise.all([pageServer(), startSandbox({ onError: () => undefined })]);
  pagesAt = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath, args: chromiumArgs });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await sandbox?.close();
});

async function run(path: string): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  try {
    await page.goto(`${pagesAt}${path}`);
    await page.waitForFunction(
      () => (globalThis as { __result?: unknown }).__result !== undefined,
      null,
      {
        timeout: 60_000,
      },
    );
    return (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as Record<
      string,
      unknown
    >;
  } finally {
    await page.close();
  }
}

describe("the sandbox from Chromium", () => {
  it("a page on another origin calls the node:http sandbox through the SDK (CORS)", async () => {
    expect(new URL(sandbox.url).origin).not.toBe(pagesAt);
    const result = await run(`/cors.html?sandbox=${encodeURIComponent(sandbox.url)}`);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, origin: pagesAt });
    expect(result.services).toBeGreaterThan(0);
    const seen = sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(seen).toContain("POST /v1/bill-payments 200");
    expect(sandbox.transactions()).toHaveLength(1);
  }, 90_000);

  it("a page runs the sandbox in memory behind MSW's service worker, and the SDK's calls reach it", async () => {
    const result = await run("/msw.html");
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, transactions: 1 });
    expect(result.services).toBeGreaterThan(0);
    expect(result.requests).toBe(3);
  }, 90_000);
});
