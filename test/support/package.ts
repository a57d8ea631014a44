/**
 * The package as users get it: built, packed with `npm pack`, and installed from the tarball into
 * fresh projects outside this repository.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const bin = (name: string) => join(root, "node_modules", ".bin", name);

const exec = promisify(execFile);

/** Runs a command; on failure the error carries its output, so the test says what went wrong. */
export async function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  try {
    const { stdout } = await exec(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed in ${options.cwd}:\n${stdout}\n${stderr}`);
  }
}

/** `npm run build`, then `npm pack` into a temporary folder; resolves to the tarball's path. */
export async function buildAndPack(): Promise<string> {
  await run("npm", ["run", "build"], { cwd: root });
  const dir = await mkdtemp(join(tmpdir(), "almara-pack-"));
  const out = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: root });
  const [tarball] = (await readdir(dir)).filter((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball: ${out}`);
  return join(dir, tarball);
}

/**
 * A fresh project in a temporary folder with these files, the tarball installed as a dependency
 * (its own dependencies from the registry, the local cache first) and `@types/node`.
 */
export async function createConsumer(
  name: string,
  tarball: string,
  files: Record<string, string>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `almara-consumer-${name}-`));
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), contents);
  }
  await run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--no-package-lock",
      tarball,
      "@types/node@20.19.25",
    ],
    { cwd: dir },
  );
  return dir;
}
