/**
 * Serves the built docs site on loopback.
 *
 *   tsx codegen/serve-docs.ts [--port 4020] [--dir site]
 *
 * A plain static server: `index.html` for `/` and for the page's own routes (paths without a file
 * extension), the other files of the folder as they are, 404 for anything else.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

export interface DocsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 (`port` 0: an ephemeral port). */
export async function serveDocs(dir: string, port = 0): Promise<DocsServer> {
  const folder = resolve(dir);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    const wanted =
      extname(pathname) === "" ? "index.html" : normalize(pathname).replace(/^[/\\]+/, "");
    const file = join(folder, wanted);
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    if (relative(folder, file).startsWith("..") || !(extname(file) in TYPES)) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "text/plain" });
        response.end(request.method === "HEAD" ? undefined : body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", done);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = join(fileURLToPath(import.meta.url), "..", "..");
  const dir = option("--dir") ?? join(root, "site");
  const port = Number(option("--port") ?? 4020);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--port must be a port number, got ${option("--port")}`);
  }
  await readFile(join(dir, "index.html")).catch(() => {
    console.error(
      `No docs site in ${relative(process.cwd(), dir) || "."}${sep}: run \`npm run docs\` first.`,
    );
    process.exit(1);
  });
  const { url } = await serveDocs(dir, port);
  console.log(`Almara Pay docs at ${url}  (Ctrl+C to stop)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
