/**
 * `generate:check` is the guard against a stale src/generated/: it passes on the committed spec and
 * fails once a field of the spec changes without regenerating.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const tsx = join(root, "node_modules", ".bin", "tsx");

async function check(specRoot: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(
      tsx,
      ["codegen/generate.ts", "--check", "--spec", specRoot],
      {
        cwd: root,
      },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe("npm run generate:check", () => {
  let copy: string;

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), "almara-pay-spec-"));
    await cp(join(root, "openapi"), copy, { recursive: true });
  });
  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it("passes when src/generated/ matches the spec", async () => {
    const result = await check(join(copy, "openapi.yaml"));
    expect(result.output).toContain("up to date");
    expect(result.code).toBe(0);
  }, 30_000);

  it("fails when a field changed in openapi/ was not regenerated", async () => {
    const file = join(copy, "components", "schemas", "BillPaymentAccepted.yaml");
    const yaml = await readFile(file, "utf8");
    expect(yaml).toContain("accountCustomerName:");
    await writeFile(file, yaml.replace("accountCustomerName:", "accountHolderName:"));

    const result = await check(join(copy, "openapi.yaml"));
    expect(result.code).toBe(1);
    expect(result.output).toContain("src/generated/ is stale");
    expect(result.output).toContain("schema.ts");
    expect(result.output).toContain("openapi.json");
  }, 30_000);
});
