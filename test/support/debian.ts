/**
 * Debian packages that tests need (Chromium, redis-server): installed with apt-get when missing
 * and the tests run as root, or a one-line instruction otherwise. Never a silent skip.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);
const installs = new Map<string, Promise<void>>();

/** Resolves once `binary` exists, installing Debian's `pkg` if needed; else throws `instruction`. */
export async function ensureDebianPackage(
  binary: string,
  pkg: string,
  instruction: string,
): Promise<string> {
  if (existsSync(binary)) return binary;
  if (process.getuid?.() !== 0) throw new Error(instruction);
  let install = installs.get(pkg);
  if (!install) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const options = { env, maxBuffer: 64 * 1024 * 1024 };
    install = run("apt-get", ["update"], options)
      .then(() => run("apt-get", ["install", "-y", pkg], options))
      .then(() => undefined);
    installs.set(pkg, install);
  }
  try {
    await install;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    const last = stderr.trim().split("\n").slice(-3).join(" / ");
    throw new Error(`${instruction}\napt-get failed: ${last}`);
  }
  if (!existsSync(binary)) throw new Error(instruction);
  return binary;
}
