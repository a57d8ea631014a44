/** The almara-pay-sandbox command serves on loopback and prints how to connect. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("almara-pay-sandbox", () => {
  it("prints its URL and credentials, serves on 127.0.0.1, and stops on SIGTERM", async () => {
    const child = spawn(`${root}node_modules/.bin/tsx`, ["src/sandbox/bin.ts", "--port", "0"], {
      cwd: root,
    });
    try {
      let output = "";
      child.stdout.setEncoding("utf8");
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no URL printed within 15 s: ${output}`)),
          15_000,
        );
        child.stdout.on("data", (chunk: string) => {
          output += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match && output.includes("Press Ctrl+C")) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      expect(output).toContain(
        'clientId: "sandbox-client", clientSecret: "sandbox-secret", scope: "PyPay_api"',
      );
      const health = await fetch(`${url}/api_health_check`);
      expect([health.status, await health.text()]).toEqual([200, "Healthy"]);
    } finally {
      child.kill("SIGTERM");
      const [code] = (await once(child, "exit")) as [number | null];
      expect(code).toBe(0);
    }
  }, 30_000);

  it("rejects a bad option value with a one-line message", async () => {
    const child = spawn(`${root}node_modules/.bin/tsx`, ["src/sandbox/bin.ts", "--port=-3"], {
      cwd: root,
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(2);
    expect(stderr.trim()).toBe("almara-pay-sandbox: --port must be a non-negative integer, got -3");
  }, 30_000);
});
