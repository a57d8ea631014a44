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
  heyApiClient,
  kyClient,
  rawFetch,
  sdk,
  undici,
  type Call,
  type Contender,
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
/** The built package's factories (set in main): users run dist/, not the TypeScript sources. */
let createAlmaraPay: CreateAlmaraPay;
let createSandbox: (typeof import("../src/sandbox/index.js"))["createSandbox"];
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

/** The median of per-round ratios, with their spread: "1.05 (0.98–1.12)". */
function ratioOf(
  samples: Record<string, number[][]>,
  name: string,
  base: string,
  pick: (round: number[]) => number,
): { median: number; text: string } {
  const ratios = samples[name]!.map((round, i) => pick(round) / pick(samples[base]![i]!));
  const sorted = [...ratios].sort((x, y) => x - y);
  const mid = median(sorted);
  return {
    median: mid,
    text: `${fmt(mid)} (${fmt(sorted[0]!)}–${fmt(sorted.at(-1)!)})`,
  };
}

/** Runs each contender's call in interleaved rounds; every round's samples kept apart. */
async function rounds(
  calls: Record<string, () => Promise<number[]>>,
  count: number,
): Promise<Record<string, number[][]>> {
  const perRound = Object.fromEntries(Object.keys(calls).map((n) => [n, [] as number[][]]));
  for (let round = 0; round < count; round++) {
    const once = await interleave(calls, 1);
    for (const [name, values] of Object.entries(once)) perRound[name]!.push(values);
  }
  return perRound;
}

type Kind = "get" | "post";
const LABEL: Record<Kind, string> = {
  get: "GET /v1/bill-services",
  post: "POST /v1/bill-payments",
};
/** Acceptance targets against bare openapi-fetch. */
const LATENCY_TARGET: Record<Kind, number> = { get: 1.08, post: 1.12 };
const STUBBED_TARGET: Record<Kind, number> = { get: 0.75, post: 0.6 };

async function latency(target: Target): Promise<void> {
  const token = await fetchToken(target);
  const contenders: Record<string, Contender> = {
    "fetch(url, init)": rawFetch(target, token),
    "undici request": undici(target, token),
    "openapi-fetch + static header": bareOpenapiFetch(target, token),
    "hey-api fetch client": await heyApiClient(root, target, token),
    ky: kyClient(target, token),
    "hand-written axios": handWrittenAxios(target),
    "almara-pay SDK": sdk(createAlmaraPay, target),
  };
  for (const kind of ["get", "post"] as const) {
    for (const c of Object.values(contenders)) for (let i = 0; i < 200; i++) await c[kind](); // warm
    const samples = await rounds(
      Object.fromEntries(
        Object.entries(contenders).map(([name, c]) => [name, sequential(c[kind], 100)]),
      ),
      21,
    );
    for (const name of Object.keys(contenders)) {
      const all = samples[name]!.flat();
      const raw = ratioOf(samples, name, "fetch(url, init)", median);
      const bare = ratioOf(samples, name, "openapi-fetch + static header", median);
      const isSdk = name === "almara-pay SDK";
      const heyApi = ratioOf(
        samples,
        "hey-api fetch client",
        "openapi-fetch + static header",
        median,
      );
      rows.push({
        measure: `${LABEL[kind]} on 127.0.0.1, ${name}`,
        figures: `median ${fmt(median(all), 3)} ms, p99 ${fmt(percentile(all, 99), 3)} ms`,
        ratio: `${raw.text} × fetch(url, init); ${bare.text} × openapi-fetch`,
        ...(isSdk
          ? {
              target: `≤ ${LATENCY_TARGET[kind]} × openapi-fetch, under hey-api (${fmt(heyApi.median)})`,
              met: bare.median <= LATENCY_TARGET[kind] && bare.median < heyApi.median,
            }
          : {}),
      });
    }
  }
}

async function stubbedOverhead(): Promise<void> {
  const services = JSON.stringify([
    { serviceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7", serviceName: "Nairobi Water" },
  ]);
  const accepted = JSON.stringify({ message: { originatorConversationId: "x" } });
  const json = { headers: { "Content-Type": "application/json" } };
  const stub = async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (request.url.endsWith("/connect/token")) {
      return Response.json({
        access_token: "t0ken-abcdef",
        expires_in: 3600,
        token_type: "Bearer",
      });
    }
    if (request.method === "POST") {
      await request.arrayBuffer();
      return new Response(accepted, json);
    }
    return new Response(services, json);
  };
  const target: Target = {
    url: "https://api.almara.test",
    credentials: { clientId: "client", clientSecret: "secret", scope: "PyPay_api" },
  };
  const contenders: Record<string, Contender> = {
    "openapi-fetch + static header": bareOpenapiFetch(target, "t0ken-abcdef", stub),
    "hey-api fetch client": await heyApiClient(root, target, "t0ken-abcdef", stub),
    ky: kyClient(target, "t0ken-abcdef", stub),
    "almara-pay SDK": sdk(createAlmaraPay, target, stub),
  };
  for (const kind of ["get", "post"] as const) {
    for (const c of Object.values(contenders)) for (let i = 0; i < 2000; i++) await c[kind]();
    const samples = await rounds(
      Object.fromEntries(
        Object.entries(contenders).map(([name, c]) => [name, throughputOf(c[kind], 3000)]),
      ),
      21,
    );
    const heyApi = ratioOf(
      samples,
      "hey-api fetch client",
      "openapi-fetch + static header",
      median,
    );
    for (const name of Object.keys(contenders)) {
      const ratio = ratioOf(samples, name, "openapi-fetch + static header", median);
      const isSdk = name === "almara-pay SDK";
      rows.push({
        measure: `${LABEL[kind]}, stubbed fetch, ${name}`,
        figures: `${fmt(median(samples[name]!.flat()), 0)} ops/s`,
        ratio: `${ratio.text} × openapi-fetch ops/s`,
        ...(isSdk
          ? {
              target: `≥ ${STUBBED_TARGET[kind]}, over hey-api (${fmt(heyApi.median)})`,
              met: ratio.median >= STUBBED_TARGET[kind] && ratio.median > heyApi.median,
            }
          : {}),
      });
    }
  }
}

async function coldBurst(): Promise<void> {
  const counts: Record<string, number> = {};
  for (const [name, make] of [
    ["SDK", (t: Target) => sdk(createAlmaraPay, t).get],
    ["axios", (t: Target) => handWrittenAxios(t).get],
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

async function timed(file: string, args: string[], runs = 3, cwd = root): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = now();
    await exec(file, args, { cwd });
    samples.push(now() - start);
  }
  return median(samples);
}

async function toolchain(): Promise<void> {
  const tsc = join(root, "node_modules/.bin/tsc");
  // Regenerate: in process (bundle + types + format), and the command with its start-up.
  const inProcess: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = now();
    await renderGenerated();
    inProcess.push(now() - start);
  }
  const command = await timed(process.execPath, ["codegen/run.mjs", "--check"]);
  // From outside the project, so that the CLI does not take the project's redocly.yaml as its config.
  const cache = join(root, "node_modules", ".cache");
  await mkdir(cache, { recursive: true });
  const cli = await timed(
    process.execPath,
    [
      join(root, "node_modules/openapi-typescript/bin/cli.js"),
      join(root, "openapi/openapi.yaml"),
      "-o",
      join(cache, "almara-bench-openapi-typescript.ts"),
    ],
    3,
    cache,
  );
  rows.push({
    measure: "regenerate: `generate --check` against the openapi-typescript CLI on the same spec",
    figures: `${fmt(command / 1000)} s against ${fmt(cli / 1000)} s; the work alone ${fmt(median(inProcess) / 1000)} s in process`,
    ratio: `${fmt(command / cli)} × the openapi-typescript CLI`,
    target: "≤ 1.5",
    met: command / cli <= 1.5,
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
    const toSandbox = rawFetch(target, token).get;
    const toBare = rawFetch({ ...target, url: bare.url }, token).get;
    // The same sandbox as a fetch handler (the built package's), called in this process.
    const memory = createSandbox();
    const inMemory = { ...target, url: "https://sandbox.almara.test" };
    const memoryFetch = memory.fetch as typeof fetch;
    const toMemory = rawFetch(inMemory, await fetchToken(inMemory, memoryFetch), memoryFetch).get;
    await load(toSandbox, 500, 16);
    await load(toBare, 500, 16);
    await load(toMemory, 500, 16);
    const samples = await interleave(
      {
        sandbox: async () => [await load(toSandbox, 2000, 32)],
        bare: async () => [await load(toBare, 2000, 32)],
        memory: async () => [await load(toMemory, 2000, 32)],
      },
      5,
    );
    await memory.close();
    const sandbox = median(samples.sandbox);
    const baseline = median(samples.bare);
    const inProcess = median(samples.memory);
    rows.push({
      measure: "sandbox throughput, 32 concurrent callers",
      figures: `${fmt(sandbox, 0)} req/s; bare node:http ${fmt(baseline, 0)} req/s`,
      ratio: `${fmt(sandbox / baseline)} × bare node:http`,
    });
    rows.push({
      measure: "in-memory sandbox (`sandbox.fetch`), 32 concurrent callers",
      figures: `${fmt(inProcess, 0)} req/s; over node:http ${fmt(sandbox, 0)} req/s`,
      ratio: `${fmt(inProcess / sandbox)} × the node:http sandbox`,
      target: "≥ 5 × the node:http sandbox",
      met: inProcess / sandbox >= 5,
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
  ({ createSandbox } = (await import(pathToFileURL(join(root, "dist", "sandbox.js")).href)) as {
    createSandbox: typeof createSandbox;
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
