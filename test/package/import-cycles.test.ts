/**
 * The layout shows the architecture: no module of src/ imports, even for a type, a module that
 * imports it back (directly or through others).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../../src", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Each module's relative imports (value and type alike), as files. */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of files(src)) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/\bfrom\s+"(\.{1,2}\/[^"]+)"/g)].map((m) =>
      resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")),
    );
    edges.set(file, targets);
  }
  return edges;
}

function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "visiting") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found.map((cycle) => cycle.map((file) => relative(src, file)));
}

describe("src/ has no import cycle", () => {
  it("finds the modules, and no cycle among them", () => {
    const edges = graph();
    expect(edges.size).toBeGreaterThan(40);
    expect(cycles(edges)).toEqual([]);
  });

  it("would see one (the check itself)", () => {
    const a = join(src, "a.ts");
    const b = join(src, "b.ts");
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([["a.ts", "b.ts", "a.ts"]]);
  });
});
