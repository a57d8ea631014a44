/**
 * Other tools consume the bundled spec cleanly: the hey-api fetch client and the
 * openapi-typescript CLI's types generated from it compile under strict tsc, the hey-api client
 * gets a token, lists the billers and validates a bill account on the sandbox, and Stoplight
 * Spectral's `spectral:oas` ruleset finds nothing in it. The spec is bundled from openapi/ by the
 * project's own codegen (`bundleSpec`, what `npm run generate` writes to src/generated/openapi.json),
 * and everything is generated into a temp dir. A missing tool fails its test; none is skipped.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createClient as generateHeyApi } from "@hey-api/openapi-ts";
import { Document, Spectral, type RulesetDefinition } from "@stoplight/spectral-core";
import Parsers from "@stoplight/spectral-parsers";
import { oas } from "@stoplight/spectral-rulesets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleSpec } from "../../codegen/generate.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { contractFetch } from "../support/contract-fetch.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);

/** A tool's exit code and all it printed; throws only when it could not run (missing, timed out). */
async function runTool(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  if (!existsSync(command)) throw new Error(`${command} is missing: run npm ci`);
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** Type-checks every .ts file under `dir` with the project's tsc, strict; its errors fail the test. */
async function expectToCompile(dir: string): Promise<void> {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "ES2022",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: [],
    },
    include: ["**/*.ts"],
  };
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const { code, output } = await runTool(
    bin("tsc"),
    ["-p", "tsconfig.json", "--pretty", "false"],
    dir,
  );
  expect(code, `tsc found errors in ${dir}:\n${output}`).toBe(0);
}

/** What the test calls of the generated hey-api client (tsc checks the generated code itself). */
interface HeyApiAnswer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}
interface HeyApiSdk {
  requestToken(options: {
    client: unknown;
    body: Record<string, string>;
  }): Promise<HeyApiAnswer<{ access_token: string; token_type: string; expires_in: number }>>;
  findBillServices(options: {
    client: unknown;
  }): Promise<HeyApiAnswer<{ serviceId: string; serviceName: string }[]>>;
  postBillPayment(options: {
    client: unknown;
    body: Record<string, unknown>;
  }): Promise<HeyApiAnswer<{ message: Record<string, unknown> }>>;
}
interface HeyApiClientModule {
  createClient(config: {
    baseUrl: string;
    fetch?: (request: Request) => Promise<Response>;
    auth?: () => string | undefined;
  }): unknown;
}

/** The value under a path of keys in a JSON document; a missing key fails the test. */
function valueAt(node: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>((parent, key) => {
    if (parent === null || typeof parent !== "object" || !(key in parent)) {
      throw new Error(`The bundled spec has no ${keys.join(" › ")}`);
    }
    return (parent as Record<string, unknown>)[key];
  }, node);
}

const SEVERITY = ["error", "warning", "info", "hint"];

/** Every finding of Spectral's `spectral:oas` ruleset (its recommended rules) on a JSON document. */
async function spectralFindings(text: string, source: string): Promise<string[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [oas as RulesetDefinition] });
  const results = await spectral.run(new Document(text, Parsers.Json, source));
  return results.map(
    (r) =>
      `${SEVERITY[r.severity] ?? r.severity} ${String(r.code)} at ${r.path.join(".") || "(root)"}: ${r.message}`,
  );
}

describe("the bundled spec in other tools", () => {
  let dir: string;
  let specFile: string;
  let spec: Record<string, unknown>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "almara-consumability-"));
    spec = await bundleSpec();
    specFile = join(dir, "openapi.json");
    await writeFile(specFile, `${JSON.stringify(spec, null, 2)}\n`);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe("@hey-api/openapi-ts (client-fetch and sdk plugins)", () => {
    let output: string;

    beforeAll(async () => {
      output = join(dir, "hey-api");
      await generateHeyApi({
        input: specFile,
        output,
        plugins: ["@hey-api/client-fetch", "@hey-api/sdk"],
        logs: { level: "silent" },
      });
    });

    it("generates a client that compiles under strict tsc", async () => {
      expect(existsSync(join(output, "sdk.gen.ts"))).toBe(true);
      await expectToCompile(output);
    }, 120_000);

    it("whose client gets a token, lists the billers and validates a bill account on the sandbox", async () => {
      const sdk = (await import(pathToFileURL(join(output, "sdk.gen.ts")).href)) as HeyApiSdk;
      const { createClient } = (await import(
        pathToFileURL(join(output, "client", "index.ts")).href
      )) as HeyApiClientModule;
      const sandbox = await startSandbox({ onError: (e) => console.error(e) });
      try {
        const contract = contractFetch();
        let token: string | undefined;
        const client = createClient({
          baseUrl: sandbox.url,
          fetch: (request) => contract.fetch(request),
          auth: () => token,
        });

        const issued = await sdk.requestToken({
          client,
          body: {
            client_id: sandbox.credentials.clientId,
            client_secret: sandbox.credentials.clientSecret,
            grant_type: "client_credentials",
            scope: "PyPay_api",
          },
        });
        expect(issued.response.status).toBe(200);
        expect(issued.data).toMatchObject({
          access_token: expect.stringMatching(/\S/),
          token_type: "Bearer",
          expires_in: expect.any(Number),
        });
        token = issued.data!.access_token;

        const billers = await sdk.findBillServices({ client });
        expect(billers.response.status).toBe(200);
        expect(billers.data).toEqual(expect.any(Array));
        expect(billers.data!.length).toBeGreaterThan(0);

        // The spec's own validation example, with a real id for its `{{$guid}}` placeholder.
        const example = valueAt(spec, [
          "paths",
          "/v1/bill-payments",
          "post",
          "requestBody",
          "content",
          "application/json",
          "examples",
          "validation",
          "value",
        ]) as Record<string, unknown>;
        expect(example.transactionType).toBe(3);
        const body: Record<string, unknown> = {
          ...example,
          originatorConversationId: randomUUID(),
        };
        expect(billers.data!.map((b) => b.serviceId)).toContain(body.ServiceId);

        const validation = await sdk.postBillPayment({ client, body });
        expect(validation.response.status).toBe(200);
        expect(validation.data?.message).toMatchObject({
          appDomainName: expect.any(String),
          remarks: expect.any(String),
          originatorConversationId: body.originatorConversationId,
          systemConversationId: expect.any(String),
          timestamp: expect.any(String),
          accountCustomerName: "IRINA MUTHONI",
          dueAmount: expect.any(Number),
          currency: "KES",
        });

        expect(
          sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.operationId}`),
        ).toEqual([
          "POST /connect/token 200 requestToken",
          "GET /v1/bill-services 200 findBillServices",
          "POST /v1/bill-payments 200 postBillPayment",
        ]);
        expect(contract.violations).toEqual([]);
      } finally {
        await sandbox.close();
      }
    });
  });

  it("the openapi-typescript CLI generates types that compile under strict tsc", async () => {
    const output = join(dir, "openapi-typescript");
    const { code, output: printed } = await runTool(
      bin("openapi-typescript"),
      [specFile, "-o", join(output, "schema.ts")],
      root,
    );
    expect(code, printed).toBe(0);
    // It prints its banner and the file it wrote; anything else is a warning about the spec.
    const said = printed.split("\n").filter((line) => line.trim() && !/^(✨|🚀)/.test(line));
    expect(said, printed).toEqual([]);
    await expectToCompile(output);
  }, 120_000);

  it("Spectral's spectral:oas ruleset finds nothing", async () => {
    // The linter is live: a copy without info.description is reported.
    const { description: _description, ...info } = spec.info as Record<string, unknown>;
    const control = await spectralFindings(JSON.stringify({ ...spec, info }), "control.json");
    expect(control.join("\n")).toContain("info-description");

    const findings = await spectralFindings(JSON.stringify(spec, null, 2), specFile);
    expect(findings, `Spectral (spectral:oas) found:\n${findings.join("\n")}`).toEqual([]);
  }, 60_000);
});
