/**
 * Other tools read the spec from the repository root as they would in any project: the
 * openapi-typescript CLI takes the root document it is given (redocly.yaml names no `apis`, which
 * would make it ignore its argument and ask for an `x-openapi-ts.output` key).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the spec for other tools", () => {
  it("describes server variables where orval's validator does not flag them", async () => {
    // orval validates against an OpenAPI 3.1 JSON Schema that misspells a server variable's
    // `description` ("descriptions"), so it warns on every variable that has one: the spec says
    // what a variable is in its server's description instead.
    const { spec } = await import("../support/spec.js");
    const servers = spec.servers as { description?: string; variables?: Record<string, object> }[];
    const variables = servers.flatMap((server) =>
      Object.entries(server.variables ?? {}).map(([name, variable]) => ({
        name,
        variable,
        server,
      })),
    );
    expect(variables.length).toBeGreaterThan(0);
    for (const { name, variable, server } of variables) {
      expect(Object.keys(variable), name).not.toContain("description");
      expect(server.description, name).toContain(`\`${name}\``);
    }
  });

  it("npx openapi-typescript openapi/openapi.yaml works from the repository root", async () => {
    const dir = await mkdtemp(join(tmpdir(), "almara-ots-"));
    try {
      const out = join(dir, "schema.ts");
      await promisify(execFile)(
        join(root, "node_modules", ".bin", "openapi-typescript"),
        ["openapi/openapi.yaml", "-o", out],
        { cwd: root, timeout: 120_000 },
      );
      const types = await readFile(out, "utf8");
      expect(types).toContain("export interface paths");
      expect(types).toContain('"/v1/bill-payments"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
