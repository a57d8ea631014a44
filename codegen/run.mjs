#!/usr/bin/env node
/**
 * `npm run generate` / `generate:check`: codegen/generate.ts bundled by esbuild (its packages left
 * external) and run by plain Node — without a TypeScript loader's hooks on every module the
 * generators load, a regenerate takes about a third less time.
 */
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "node_modules", ".cache", "almara-pay-codegen", "generate.mjs");
await build({
  entryPoints: [join(root, "codegen", "generate.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  outfile,
  logLevel: "error",
  define: { "process.env.ALMARA_PAY_ROOT": JSON.stringify(root) },
});
const { main } = await import(pathToFileURL(outfile).href);
await main(process.argv.slice(2));
