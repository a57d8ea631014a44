/**
 * The SDK's core as a production build ships it: bundled with openapi-fetch and minified by
 * esbuild without `keepNames`, so every class is renamed. Tests run the money-safety scenarios and
 * the error guards against it, to prove that nothing depends on a class name.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { root } from "./package.js";

export type Sdk = typeof import("../../src/index.js");

/** Builds `src/index.ts` minified into a temporary folder, imports it, then removes the folder. */
export async function importMinifiedSdk(): Promise<{ sdk: Sdk; code: string }> {
  const result = await build({
    entryPoints: [join(root, "src/index.ts")],
    bundle: true,
    minify: true,
    keepNames: false,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  const folder = mkdtempSync(join(tmpdir(), "almara-pay-minified-"));
  try {
    const file = join(folder, "index.mjs");
    writeFileSync(file, code);
    return { sdk: (await import(pathToFileURL(file).href)) as Sdk, code };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
