import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A net for a test that hangs, not a measure of speed: a loaded machine may run a sandbox
    // flow many times slower than an idle one.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
      ignoreSourceErrors: false,
    },
  },
});
