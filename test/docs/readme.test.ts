/**
 * The README's code samples are the files that `npm run lint` type-checks (tsc compiles every file
 * under test/, with "almara-pay" mapped to src/), so a sample that stops compiling fails the suite.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const tsBlocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe("README samples", () => {
  it.each(["readme-bill-validation.snippet.ts"])("shows %s verbatim", (file) => {
    const snippet = readFileSync(new URL(file, import.meta.url), "utf8");
    expect(snippet).toContain('from "almara-pay"');
    expect(tsBlocks).toContain(snippet);
  });
});
