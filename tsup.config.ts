/**
 * The package build (`npm run build`): ESM and CJS for the core and the Redis entry (with source
 * maps), and for the sandbox, each with its declarations (.d.ts / .d.cts); the sandbox bin (ESM,
 * Node only) shares the ESM sandbox's code.
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
    entry: { index: "src/index.ts", redis: "src/redis.ts" },
    format: ["esm", "cjs"],
    dts: true,
  },
  // The sandbox is a tool, not the SDK: no source maps (they tripled its weight), and the bin
  // shares the ESM sandbox's chunk instead of carrying its own copy of the simulator.
  {
    ...shared,
    sourcemap: false,
    platform: "node",
    entry: { sandbox: "src/sandbox/index.ts", bin: "src/sandbox/bin.ts" },
    format: ["esm"],
    splitting: true,
    dts: { entry: { sandbox: "src/sandbox/index.ts" } },
  },
  {
    ...shared,
    sourcemap: false,
    platform: "node",
    entry: { sandbox: "src/sandbox/index.ts" },
    format: ["cjs"],
    dts: { entry: { sandbox: "src/sandbox/index.ts" } },
  },
  // The sandbox where there is no node:http (browsers, Workers), and its MSW handler (msw, an
  // optional peer, stays the user's).
  // (ESM only where there is no node:http: browsers' and Workers' bundlers read ESM.)
  {
    ...shared,
    sourcemap: false,
    entry: { "sandbox-fetch": "src/sandbox/fetch-only.ts" },
    format: ["esm"],
    dts: true,
  },
  {
    ...shared,
    sourcemap: false,
    entry: { "sandbox-msw": "src/sandbox/msw.ts" },
    format: ["esm", "cjs"],
    external: ["msw"],
    dts: true,
  },
]);
