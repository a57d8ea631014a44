/**
 * The package build (`npm run build`): ESM and CJS for the core, the Redis token cache and the
 * sandbox, each with its declarations (.d.ts / .d.cts) and source maps, and the sandbox bin (ESM,
 * Node only).
 */
import { defineConfig } from "tsup";

const shared = {
  target: "es2022",
  platform: "neutral",
  sourcemap: true,
  clean: false,
  treeshake: true,
  outDir: "dist",
} as const;

export default defineConfig([
  {
    ...shared,
    // The core runs wherever fetch does (test/package/ bundles it for a neutral platform).
    entry: { index: "src/index.ts", redis: "src/redis-token-cache.ts" },
    format: ["esm", "cjs"],
    dts: true,
  },
  {
    ...shared,
    platform: "node",
    entry: { sandbox: "src/sandbox/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
  },
  {
    ...shared,
    platform: "node",
    entry: { bin: "src/sandbox/bin.ts" },
    format: ["esm"],
  },
]);
