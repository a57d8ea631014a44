/**
 * The README's code samples are the files that `npm run lint` type-checks (tsc compiles every file
 * under test/, with "almara-pay" mapped to src/), so a sample that stops compiling fails the suite.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const tsBlocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe("README samples", () => {
  const snippets = readdirSync(new URL(".", import.meta.url)).filter((f) =>
    f.endsWith(".snippet.ts"),
  );

  it("has the samples", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
  });

  it.each(snippets)("shows %s verbatim", (file) => {
    const snippet = readFileSync(new URL(file, import.meta.url), "utf8");
    expect(snippet).toContain('from "almara-pay"');
    expect(tsBlocks).toContain(snippet);
  });
});

/** Runs a file of the project with tsx (which maps "almara-pay" to the sources); its stdout. */
async function runWithTsx(file: string): Promise<string> {
  const { execFile } = await import("node:child_process");
  const { promisify } = await import("node:util");
  const root = new URL("../..", import.meta.url);
  const { stdout } = await promisify(execFile)("node_modules/.bin/tsx", [file], { cwd: root });
  return stdout;
}

describe("the README's sandbox sample", () => {
  it("runs and prints what its comments say", async () => {
    const stdout = await runWithTsx("test/docs/readme-sandbox.snippet.ts");
    const [status, ...rest] = stdout.split("\n");
    expect(status).toBe("503");
    expect(rest.join("\n")).toContain("KE-NAIROBI-WATER");
    expect(rest.join("\n")).toContain("GET /v1/bill-services 503");
  }, 30_000);
});

describe("the README's in-memory sandbox sample", () => {
  it("runs with no socket and prints what its comments say", async () => {
    const stdout = await runWithTsx("test/docs/readme-sandbox-in-memory.snippet.ts");
    expect(stdout.split("\n").slice(0, 2)).toEqual([
      "callback for https://shop.example/callbacks/bill",
      "1",
    ]);
  }, 30_000);
});

describe("the README's same-id recovery sample", () => {
  it("pays each bill once, whatever the fault, and settles a second send of it by lookup", async () => {
    const stdout = await runWithTsx("test/docs/run-recovery-sample.ts");
    const results = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results.map((r) => [r.name, r.payments])).toEqual([
      ["no fault", 1],
      ["5xx after the payment was recorded", 1],
      ["connection reset after it was recorded", 1],
      ["5xx before it was recorded", 1],
      ["an empty answer after it was recorded", 1],
    ]);
    for (const { name, answer, again } of results) {
      // A lost answer is settled by lookup (paid), or by the resend with the same id (accepted).
      expect(answer, String(name)).toMatch(/^(paid, receipt SBX|accepted as )/);
      // Sending the same payment again meets the duplicate refusal and finds it paid.
      expect(again, String(name)).toMatch(/^paid, receipt SBX/);
    }
  }, 60_000);
});
