/**
 * Debian's Chromium for the browser tests: installed with apt-get when missing (as root), or a
 * one-line instruction otherwise. Never a silent skip.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The Chromium binary (`CHROMIUM_PATH` overrides Debian's `/usr/bin/chromium`). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags for a headless Chromium on a machine with no network beyond loopback. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function ensureChromium(): Promise<string> {
  if (existsSync(chromiumPath)) return chromiumPath;
  const instruction =
    "The docs browser test needs Chromium: run `apt-get install -y chromium` " +
    "(or set CHROMIUM_PATH) and run the tests again.";
  if (process.env.CHROMIUM_PATH || process.getuid?.() !== 0) throw new Error(instruction);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", ["update"], { env, maxBuffer: 64 * 1024 * 1024 });
    await run("apt-get", ["install", "-y", "chromium"], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(
      `${instruction}\napt-get failed: ${stderr.trim().split("\n").slice(-3).join(" / ")}`,
    );
  }
  if (!existsSync(chromiumPath)) throw new Error(instruction);
  return chromiumPath;
}
