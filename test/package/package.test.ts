/**
 * "npm install almara-pay and import it": the packed tarball, installed into fresh projects of
 * the three kinds integrators run, type-checked there and run against the sandbox it ships.
 * A broken exports map, a missing declaration file or a runtime dependency left in
 * devDependencies fails here. Then the built core entry: bundled for a neutral platform, run
 * where only web-standard globals exist, and weighed against its size budget.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Sdk from "../../src/index.js";
import { bundleNeutral, gzipSize, runInWebRealm } from "../support/core-bundle.js";
import { billPayment } from "../support/fixtures.js";
import { at } from "../support/spec.js";
import { bin, buildAndPack, createConsumer, root, run } from "../support/package.js";

let tarball: string;
const folders: string[] = [];

beforeAll(async () => {
  tarball = await buildAndPack();
}, 180_000);

afterAll(async () => {
  for (const dir of [...folders, ...(tarball ? [join(tarball, "..")] : [])]) {
    await rm(dir, { recursive: true, force: true });
  }
});

async function consumer(name: string, files: Record<string, string>): Promise<string> {
  const dir = await createConsumer(name, tarball, files);
  folders.push(dir);
  return dir;
}

/** The same program in TypeScript for the ESM and bundler projects. */
const program = (
  label: string,
) => `import { createAlmaraPay, isApiError, unwrap, type AlmaraPayClient } from "almara-pay";
import { createRedisTokenCache } from "almara-pay/redis";
import { startSandbox } from "almara-pay/sandbox";

export const redisCache = (command: (args: string[]) => Promise<unknown>) =>
  createRedisTokenCache({ command });

// Never called: proves the types are the SDK's, not \`any\`.
export function misuse(pay: AlmaraPayClient) {
  // @ts-expect-error -- not a path of the API
  return pay.GET("/v1/no-such-path");
}

const sandbox = await startSandbox();
try {
  const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });
  const services = await unwrap(pay.GET("/v1/bill-services"));
  const water = services.find((s) => s.serviceCode === "KE-NAIROBI-WATER")!;
  const refused = await unwrap(
    pay.POST("/v1/bill-payments", {
      body: { transactionType: 3, ServiceId: water.serviceId, accountNumber: "0000000" },
    }),
  ).catch((error: unknown) => (isApiError(error) ? error.status : "not an ApiError"));
  console.log(\`${label} \${services.length} services, unknown account: \${refused}\`);
} finally {
  await sandbox.close();
}
`;

const strict = { strict: true, skipLibCheck: false, types: ["node"], target: "ES2022" };

describe("the packed package in a fresh project", () => {
  it("ESM TypeScript (moduleResolution NodeNext): type-checks, compiles and runs", async () => {
    const dir = await consumer("esm", {
      "package.json": JSON.stringify({ name: "consumer-esm", private: true, type: "module" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          ...strict,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          outDir: "out",
        },
        include: ["main.ts"],
      }),
      "main.ts": program("esm"),
    });
    await run(bin("tsc"), ["-p", "."], { cwd: dir });
    const output = await run("node", ["out/main.js"], { cwd: dir });
    expect(output.trim()).toBe("esm 4 services, unknown account: 400");
  }, 120_000);

  it("CommonJS JavaScript (require): type-checks with checkJs and runs", async () => {
    const dir = await consumer("cjs", {
      "package.json": JSON.stringify({ name: "consumer-cjs", private: true, type: "commonjs" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          ...strict,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          allowJs: true,
          checkJs: true,
          noEmit: true,
        },
        include: ["main.js"],
      }),
      "main.js": `const { createAlmaraPay, unwrap } = require("almara-pay");
const { startSandbox } = require("almara-pay/sandbox");
const { createRedisTokenCache } = require("almara-pay/redis");

/** @param {(args: string[]) => Promise<unknown>} command */
exports.redisCache = (command) => createRedisTokenCache({ command });

/** @param {import("almara-pay").AlmaraPayClient} pay */
function misuse(pay) {
  // @ts-expect-error -- not a path of the API
  return pay.GET("/v1/no-such-path");
}
void misuse;

async function main() {
  const sandbox = await startSandbox();
  try {
    const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });
    const services = await unwrap(pay.GET("/v1/bill-services"));
    console.log(\`cjs \${services.length} services, first \${services[0]?.serviceName}\`);
  } finally {
    await sandbox.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`,
    });
    await run(bin("tsc"), ["-p", "."], { cwd: dir });
    const output = await run("node", ["main.js"], { cwd: dir });
    expect(output.trim()).toBe("cjs 4 services, first Nairobi Water");
  }, 120_000);

  it("bundler TypeScript (moduleResolution Bundler): type-checks, bundles and runs", async () => {
    const dir = await consumer("bundler", {
      "package.json": JSON.stringify({ name: "consumer-bundler", private: true, type: "module" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: { ...strict, module: "ESNext", moduleResolution: "Bundler", noEmit: true },
        include: ["main.ts"],
      }),
      "main.ts": program("bundler"),
    });
    await run(bin("tsc"), ["-p", "."], { cwd: dir });
    // The bundler resolves almara-pay through its exports map, as Vite or webpack would.
    await build({
      entryPoints: [join(dir, "main.ts")],
      absWorkingDir: dir,
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: join(dir, "out.mjs"),
      external: ["ajv", "ajv-formats", "ajv/*"],
      logLevel: "silent",
    });
    const output = await run("node", ["out.mjs"], { cwd: dir });
    expect(output.trim()).toBe("bundler 4 services, unknown account: 400");
  }, 120_000);

  it("runs the installed almara-pay-sandbox bin on loopback", async () => {
    const dir = await consumer("bin", {
      "package.json": JSON.stringify({ name: "consumer-bin", private: true }),
    });
    const child = spawn(join(dir, "node_modules", ".bin", "almara-pay-sandbox"), ["--port", "0"], {
      cwd: dir,
    });
    try {
      let output = "";
      child.stdout.setEncoding("utf8");
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 15 s: ${output}`)), 15_000);
        child.stdout.on("data", (chunk: string) => {
          output += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const health = await fetch(`${url}/api_health_check`);
      expect([health.status, await health.text()]).toEqual([200, "Healthy"]);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  }, 120_000);
});

/** Bytes of every file under a folder. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

describe("a lean install", () => {
  it("npm install almara-pay brings openapi-fetch and its own dependency, nothing else", async () => {
    const dir = await mkdtemp(join(tmpdir(), "almara-lean-"));
    folders.push(dir);
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "lean", private: true }));
    await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", tarball],
      { cwd: dir },
    );
    const listed = await run("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: dir });
    const installed = listed
      .split("\n")
      .filter((line) => line.includes("node_modules"))
      .map((line) => line.slice(line.lastIndexOf("node_modules") + "node_modules/".length))
      .sort();
    const openapiFetch = JSON.parse(
      await readFile(join(dir, "node_modules", "openapi-fetch", "package.json"), "utf8"),
    ) as { dependencies?: Record<string, string> };
    const expected = [
      "almara-pay",
      "openapi-fetch",
      ...Object.keys(openapiFetch.dependencies ?? {}),
    ];
    expect(installed).toEqual(expected.sort());
    const bytes = await folderBytes(join(dir, "node_modules"));
    const own = await folderBytes(join(dir, "node_modules", "almara-pay"));
    console.log(
      `installed size: ${(bytes / 1024).toFixed(0)} kB in node_modules (${installed.join(", ")}), almara-pay itself ${(own / 1024).toFixed(0)} kB`,
    );
    expect(bytes).toBeGreaterThan(0);
  }, 120_000);
});

describe("package checks", () => {
  it("publint finds nothing, warnings included", async () => {
    const output = await run(bin("publint"), ["--strict"], { cwd: root });
    expect(output).toContain("All good!");
  }, 60_000);

  it("are-the-types-wrong finds no problem for any resolution mode", async () => {
    const output = await run(bin("attw"), [tarball, "--format", "json"], { cwd: root });
    const report = JSON.parse(output) as { analysis: { problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
  }, 60_000);
});

/**
 * Size budget of the core entry, minified and gzipped, over openapi-fetch's own size measured in
 * the same run. A client alone (typed errors, token provider with a cross-process lock, retries,
 * idempotency, timeouts, buffered answers) added about 7 kB; the money-safety pass (duplicate
 * refusals of resends, `DuplicateIdError`, bounded reads, the JSON check of every 2xx, abortable
 * token waits and backoff, literal error kinds, ids and payments recognised in any casing, a
 * replaced Request recognised again) brought it to about 8.9 kB; the secrets pass (per-client
 * redactors scrubbing fields, causes and bodies at any depth, error answers scrubbed, token answers
 * checked, the digest cache key, every option checked at construction, the browser guard) to about
 * 12.3 kB (the attack round added cause copies that survive Proxies and getters, JSON-aware
 * scrubbing of error answers, expiring tokens); the client's own typed methods, which prepare each
 * call once (and read what a caller's middleware replaced), brought it to about 13.1 kB; the
 * fast path (per-call options checked in the call's context, the first send outside the retry
 * loop, a fresh token set without a wait, the transport split into `exchange` and its Request
 * wrapper) to about 13.5 kB, and that path's attack round (a signal checked, a body a middleware
 * read sent again, bodies that are not bytes or never yield, network-error Responses) to about
 * 13.9 kB, and the contract's hardening (token cache calls bounded in time, the API's other error
 * bodies read, clearer usage errors for `unwrap`, `retry` and `baseUrl`, a self-serialized
 * payment body checked) to about 14.2 kB. Every export adds about 22.3 kB (the whole API), the
 * difference being mostly the callback schemas (the payout webhook's now its own), the seven
 * outcome lookups, the callback confirmations and the delivery guard, which grow with the API
 * the spec covers. The budgets leave some room, so growth beyond it is a
 * decision, not an accident.
 */
const BUDGET = { everyExport: 22.75 * 1024, clientOnly: 14.75 * 1024 };

describe("the core entry (dist/index.js)", () => {
  it("bundles for a neutral platform: no node: built-ins, no Node-only globals", async () => {
    const bundle = await bundleNeutral('export * from "./dist/index.js";');
    expect(bundle).not.toMatch(/\b(require\(|Buffer\b|__dirname|__filename|setImmediate)/);
    // The check itself: a node: import cannot bundle for the neutral platform.
    await expect(bundleNeutral('export { randomUUID } from "node:crypto";')).rejects.toThrow(
      /node:crypto/,
    );
  });

  it("works in a realm that has only web-standard globals", async () => {
    const sdk = runInWebRealm(
      await bundleNeutral('export * from "./dist/index.js";', "iife"),
    ) as unknown as typeof Sdk;
    const accepted = at(
      "/paths/~1v1~1bill-payments/post/responses/200/content/application~1json/examples/validation/value",
    ) as { message: Record<string, unknown> };
    const seen: string[] = [];
    const fetch = async (input: Request | string, init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push(`${request.method} ${new URL(request.url).pathname}`);
      if (request.url.endsWith("/connect/token")) {
        return Response.json({ access_token: "t0ken", expires_in: 3600, token_type: "Bearer" });
      }
      const { originatorConversationId } = (await request.json()) as Record<string, string>;
      return Response.json({ message: { ...accepted.message, originatorConversationId } });
    };
    const pay = sdk.createAlmaraPay({
      baseUrl: "https://api.almara.test",
      clientId: "client",
      clientSecret: "secret",
      fetch,
    });
    const { originatorConversationId: _omitted, ...body } = billPayment;
    const result = await pay.POST("/v1/bill-payments", { body });
    expect(seen).toEqual(["POST /connect/token", "POST /v1/bill-payments"]);
    // The generated id comes from the realm's Web Crypto, not node:crypto.
    expect(sdk.originatorConversationIdOf(result)).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.data?.message.originatorConversationId).toBe(
      sdk.originatorConversationIdOf(result),
    );
    const callback = at(
      "/paths/~1v1~1bill-payments/post/callbacks/billPaymentResult/{$request.body#~1callBackUrl}/post/requestBody/content/application~1json/examples/completed/value",
    );
    expect(sdk.parseBillPaymentCallback(JSON.stringify(callback)).receiptNumber).toBe("TDF4K8L2QP");
  });

  it("stays within its size budget (minified and gzipped, openapi-fetch included)", async () => {
    const openapiFetch = gzipSize(await bundleNeutral('export { default } from "openapi-fetch";'));
    const everyExport = gzipSize(await bundleNeutral('export * from "./dist/index.js";'));
    const clientOnly = gzipSize(
      await bundleNeutral('export { createAlmaraPay, unwrap } from "./dist/index.js";'),
    );
    const kB = (bytes: number) => `${(bytes / 1024).toFixed(2)} kB`;
    console.log(
      [
        "core entry size, minified + gzipped:",
        `  openapi-fetch alone             ${kB(openapiFetch)}`,
        `  createAlmaraPay + unwrap        ${kB(clientOnly)}  (+${kB(clientOnly - openapiFetch)}, budget +${kB(BUDGET.clientOnly)})`,
        `  every export of "almara-pay"    ${kB(everyExport)}  (+${kB(everyExport - openapiFetch)}, budget +${kB(BUDGET.everyExport)})`,
      ].join("\n"),
    );
    expect(clientOnly - openapiFetch).toBeLessThanOrEqual(BUDGET.clientOnly);
    expect(everyExport - openapiFetch).toBeLessThanOrEqual(BUDGET.everyExport);
  });
});
