/**
 * npm run bench — what the SDK costs its users, as ratios measured in one run (this machine is
 * noisy: absolute figures move between runs, ratios much less).
 *
 *   npm run bench              print the table
 *   npm run bench -- --write   print it and record it in BENCHMARKS.md
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import * as prettier from "prettier";
import { renderGenerated } from "../codegen/generate.js";
import { startSandbox } from "../src/sandbox/index.js";
import {
  bareOpenapiFetch,
  fetchToken,
  handWrittenAxios,
  rawFetch,
  sdk,
  type Call,
  type CreateAlmaraPay,
  type Target,
} from "./clients.js";
import { startBareServer, startSandboxProcess } from "./servers.js";
import { interleave, median, now, percentile } from "./stats.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const exec = promisify(execFile);

interface Row {
  measure: string;
  figures: string;
  ratio: string;
  target?: string;
  met?: boolean;
}
const rows: Row[] = [];
/** The built package's factory (set in main): users run dist/, not the TypeScript sources. */
let createAlmaraPay: CreateAlmaraPay;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

/** Durations (ms) of `count` sequential calls. */
function sequential(call: Call, count: number): () => Promise<number[]> {
  return async () => {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = now();
      await call();
      samples.push(now() - start);
    }
    return samples;
  };
}

/** Calls per second over a batch of `count` sequential calls (one sample per batch). */
function throughputOf(call: Call, count: number): () => Promise<number[]> {
  return async () => {
    const start = now();
    for (let i = 0; i < count; i++) await call();
    return [(count * 1000) / (now() - start)];
  };
}

async function latency(target: Target): Promise<void> {
  const token = await fetchToken(target);
  const contenders = {
    "raw fetch": rawFetch(target, token),
    "openapi-fetch + static header": bareOpenapiFetch(target, token),
    "hand-written axios": handWrittenAxios(target),
    "almara-pay SDK": sdk(createAlmaraPay, target),
  };
  for (const call of Object.values(contenders)) for (let i = 0; i < 200; i++) await call(); // warm
  const samples = await interleave(
    Object.fromEntries(
      Object.entries(contenders).map(([name, call]) => [name, sequential(call, 50)]),
    ) as Record<keyof typeof contenders, () => Promise<number[]>>,
    40,
  );
  const base = { p50: median(samples["raw fetch"]), p99: percentile(samples["raw fetch"], 99) };
  for (const [name, values] of Object.entries(samples)) {
    const p50 = median(values);
    const p99 = percentile(values, 99);
    const isSdk = name === "almara-pay SDK";
    rows.push({
      measure: `latency on 127.0.0.1, ${name}`,
      figures: `median ${fmt(p50, 3)} ms, p99 ${fmt(p99, 3)} ms`,
      ratio: `${fmt(p50 / base.p50)} (p99 ${fmt(p99 / base.p99)}) × raw fetch`,
      ...(isSdk ? { target: "median ≤ 1.10", met: p50 / base.p50 <= 1.1 } : {}),
    });
  }
}

async function stubbedOverhead(): Promise<void> {
  const body = JSON.stringify([
    { serviceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7", serviceName: "Nairobi Water" },
  ]);
  const stub = async (input: Request) =>
    input.url.endsWith("/connect/token")
      ? Response.json({ access_token: "t0ken", expires_in: 3600, token_type: "Bearer" })
      : new Response(body, { headers: { "Content-Type": "application/json" } });
  const target: Target = {
    url: "https://api.almara.test",
    credentials: { clientId: "client", clientSecret: "secret", scope: "PyPay_api" },
  };
  const bare = bareOpenapiFetch(target, "t0ken", stub);
  const ours = sdk(createAlmaraPay, target, stub);
  for (let i = 0; i < 2000; i++) {
    await bare();
    await ours();
  }
  const samples = await interleave(
    { bare: throughputOf(bare, 2000), sdk: throughputOf(ours, 2000) },
    15,
  );
  const bareOps = median(samples.bare);
  const sdkOps = median(samples.sdk);
  rows.push({
    measure: "client overhead, stubbed fetch",
    figures: `SDK ${fmt(sdkOps, 0)} ops/s, bare openapi-fetch ${fmt(bareOps, 0)} ops/s`,
    ratio: `${fmt(sdkOps / bareOps)} × bare openapi-fetch`,
    target: "≥ 0.80",
    met: sdkOps / bareOps >= 0.8,
  });
}

async function coldBurst(): Promise<void> {
  const counts: Record<string, number> = {};
  for (const [name, make] of [
    ["SDK", (t: Target) => sdk(createAlmaraPay, t)],
    ["axios", (t: Target) => handWrittenAxios(t)],
  ] as const) {
    const sandbox = await startSandbox();
    const call = make({ url: sandbox.url, credentials: sandbox.credentials });
    await Promise.all(Array.from({ length: 1000 }, () => call()));
    counts[name] = sandbox.requests.filter((r) => r.path === "/connect/token").length;
    await sandbox.close();
  }
  rows.push({
    measure: "cold burst of 1,000 concurrent calls: token requests",
    figures: `SDK ${counts.SDK}, hand-written axios ${counts.axios}`,
    ratio: `${fmt(counts.SDK! / counts.axios!, 4)} × axios`,
    target: "SDK exactly 1",
    met: counts.SDK === 1,
  });
}

async function timed(file: string, args: string[], runs = 3): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = now();
    await exec(file, args, { cwd: root });
    samples.push(now() - start);
  }
  return median(samples);
}

async function toolchain(): Promise<void> {
  const tsx = join(root, "node_modules/.bin/tsx");
  const tsc = join(root, "node_modules/.bin/tsc");
  // Regenerate: in process (bundle + types + format), and the command with its start-up.
  const inProcess: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = now();
    await renderGenerated();
    inProcess.push(now() - start);
  }
  const command = await timed(tsx, ["codegen/generate.ts", "--check"]);
  const startup = await timed(tsx, ["--eval", "0"]);
  rows.push({
    measure: "full regenerate (bundle + types + format)",
    figures: `${fmt(median(inProcess) / 1000)} s in process; \`generate --check\` ${fmt(command / 1000)} s, tsx start-up ${fmt(startup / 1000)} s`,
    ratio: `${fmt(command / startup)} × tsx start-up`,
    target: "≤ 3 s",
    met: command <= 3000,
  });
  // tsc over a consumer of every operation (the docs' code samples) vs a file that imports the SDK only.
  // Inside the project, so that the configs find its node_modules (types, the SDK's paths).
  await mkdir(join(root, "node_modules", ".cache"), { recursive: true });
  const dir = await mkdtemp(join(root, "node_modules", ".cache", "almara-bench-"));
  try {
    const config = (include: string[]) =>
      JSON.stringify({ extends: join(root, "tsconfig.json"), include });
    await writeFile(join(dir, "trivial.ts"), 'import type {} from "almara-pay";\nexport {};\n');
    await writeFile(join(dir, "every.json"), config([join(root, "openapi/code-samples/*.ts")]));
    await writeFile(join(dir, "trivial.json"), config([join(dir, "trivial.ts")]));
    const every = await timed(tsc, ["--noEmit", "-p", join(dir, "every.json")]);
    const trivial = await timed(tsc, ["--noEmit", "-p", join(dir, "trivial.json")]);
    rows.push({
      measure: "`tsc --noEmit` of a consumer calling every operation",
      figures: `${fmt(every / 1000)} s; importing the SDK only ${fmt(trivial / 1000)} s`,
      ratio: `${fmt(every / trivial)} × import only`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Requests per second with `concurrency` callers sharing `total` requests. */
async function load(call: Call, total: number, concurrency: number): Promise<number> {
  let left = total;
  const start = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await call();
    }),
  );
  return (total * 1000) / (now() - start);
}

async function sandboxThroughput(sandboxUrl: string): Promise<void> {
  const bare = await startBareServer();
  try {
    const target: Target = {
      url: sandboxUrl,
      credentials: {
        clientId: "sandbox-client",
        clientSecret: "sandbox-secret",
        scope: "PyPay_api",
      },
    };
    const token = await fetchToken(target);
    const toSandbox = rawFetch(target, token);
    const toBare = rawFetch({ ...target, url: bare.url }, token);
    await load(toSandbox, 500, 16);
    await load(toBare, 500, 16);
    const samples = await interleave(
      {
        sandbox: async () => [await load(toSandbox, 2000, 32)],
        bare: async () => [await load(toBare, 2000, 32)],
      },
      5,
    );
    const sandbox = median(samples.sandbox);
    const baseline = median(samples.bare);
    rows.push({
      measure: "sandbox throughput, 32 concurrent callers",
      figures: `${fmt(sandbox, 0)} req/s; bare node:http ${fmt(baseline, 0)} req/s`,
      ratio: `${fmt(sandbox / baseline)} × bare node:http`,
    });
  } finally {
    await bare.stop();
  }
}

function table(): string {
  const lines = [
    "| measure | figures | ratio | target |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.measure} | ${r.figures} | ${r.ratio} | ${r.target ? `${r.target} ${r.met ? "✓" : "✗ missed"}` : ""} |`,
    ),
  ];
  return lines.join("\n");
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${process.platform}/${process.arch}`;
}

async function main(): Promise<void> {
  console.error("building the package…");
  await exec("npm", ["run", "build"], { cwd: root });
  ({ createAlmaraPay } = (await import(pathToFileURL(join(root, "dist", "index.js")).href)) as {
    createAlmaraPay: CreateAlmaraPay;
  });
  const sandbox = await startSandboxProcess();
  try {
    console.error("latency…");
    await latency({
      url: sandbox.url,
      credentials: {
        clientId: "sandbox-client",
        clientSecret: "sandbox-secret",
        scope: "PyPay_api",
      },
    });
    console.error("client overhead…");
    await stubbedOverhead();
    console.error("cold burst…");
    await coldBurst();
    console.error("regenerate and tsc…");
    await toolchain();
    console.error("sandbox throughput…");
    await sandboxThroughput(sandbox.url);
  } finally {
    await sandbox.stop();
  }
  const result = `${table()}\n\nMachine: ${machine()}. Run on ${new Date().toISOString().slice(0, 10)}.\n`;
  console.log(`\n${result}`);
  if (process.argv.includes("--write")) {
    const file = join(root, "BENCHMARKS.md");
    const text = await readFile(file, "utf8").catch(() => "");
    const head = text.split("<!-- bench:start -->")[0] || "# Benchmarks\n\n";
    const markdown = `${head}<!-- bench:start -->\n\n${result}`;
    await writeFile(file, await prettier.format(markdown, { parser: "markdown", printWidth: 100 }));
    console.log("Recorded in BENCHMARKS.md");
  }
  if (rows.some((r) => r.met === false)) process.exitCode = 1;
}

await main();
