/**
 * Builds the docs site from the spec: bundle → code samples injected → redocly build-docs.
 *
 *   tsx codegen/docs.ts              write site/index.html and site/openapi.json
 *   tsx codegen/docs.ts --out DIR    write them to DIR instead (the tests use a temporary one)
 *
 * Each operation gets two `x-codeSamples`: the TypeScript file `openapi/code-samples/<operationId>.ts`
 * verbatim (the same file `tsc` checks and the tests run against the sandbox), and a curl command
 * derived from the operation's first request example. The page is self-contained: the Redoc
 * script is inlined and the one asset Redoc would fetch from its CDN is replaced by a local one.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { bundleSpec } from "./generate.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const samplesDir = join(root, "openapi", "code-samples");
const template = join(root, "codegen", "docs-template.hbs");
const redocly = join(root, "node_modules", ".bin", "redocly");
const METHODS = ["get", "put", "post", "delete", "patch"] as const;

type Json = Record<string, unknown>;

export interface SpecOperation {
  method: (typeof METHODS)[number];
  path: string;
  operation: Json;
}

/** Every operation of a bundled spec, in document order. */
export function operationsOf(spec: Json): SpecOperation[] {
  return Object.entries(spec.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((method) => (item as Json)[method]).map((method) => ({
      method,
      path,
      operation: (item as Json)[method] as Json,
    })),
  );
}

function deref(spec: Json, node: Json): Json {
  let current = node;
  while (typeof current.$ref === "string") {
    current = current.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<Json>((n, key) => n[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Json, spec);
  }
  return current;
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The value of the first named example of a media type, or its `example`. */
function firstExample(media: Json): unknown {
  const examples = media.examples as Record<string, Json> | undefined;
  const first = examples ? Object.values(examples)[0] : undefined;
  return first ? first.value : media.example;
}

/** A curl command for an operation, from its parameters and first request example. */
export function curlSample(spec: Json, { method, path, operation }: SpecOperation): string {
  const query = ((operation.parameters as Json[] | undefined) ?? [])
    .map((p) => deref(spec, p))
    .filter((p) => p.in === "query" && p.required)
    .map((p) => `${String(p.name)}=<${String(p.name)}>`);
  const url = `$ALMARA_BASE_URL${path}${query.length > 0 ? `?${query.join("&")}` : ""}`;
  const lines = [`curl -X ${method.toUpperCase()} "${url}"`];
  const secured = (operation.security as unknown[] | undefined)?.length !== 0;
  if (secured) lines.push(`-H "Authorization: Bearer $ALMARA_TOKEN"`);
  const content = ((operation.requestBody as Json | undefined)?.content ?? {}) as Json;
  const form = content["application/x-www-form-urlencoded"] as Json | undefined;
  const json = content["application/json"] as Json | undefined;
  if (form) {
    const fields = (firstExample(form) ?? {}) as Record<string, string>;
    for (const [name, value] of Object.entries(fields)) {
      const shown =
        name === "client_id" || name === "client_secret" ? `$ALMARA_${name.toUpperCase()}` : value;
      lines.push(`--data-urlencode "${name}=${shown}"`);
    }
  } else if (json) {
    lines.push(`-H "Content-Type: application/json"`);
    lines.push(`-d ${shellQuote(JSON.stringify(firstExample(json) ?? {}, null, 2))}`);
  }
  return lines.join(" \\\n  ");
}

/**
 * The bundled spec with every operation's TypeScript and curl samples. Fails when an operation has
 * no sample file, or a sample file names no operation.
 */
export async function buildDocsSpec(
  options: { specRoot?: string; samplesDir?: string } = {},
): Promise<Json> {
  const spec = await bundleSpec(options.specRoot);
  const dir = options.samplesDir ?? samplesDir;
  const files = new Set((await readdir(dir)).filter((f) => f.endsWith(".ts")));
  const missing: string[] = [];
  for (const op of operationsOf(spec)) {
    const file = `${String(op.operation.operationId)}.ts`;
    if (!files.delete(file)) {
      missing.push(file);
      continue;
    }
    op.operation["x-codeSamples"] = [
      {
        lang: "TypeScript",
        label: "TypeScript",
        source: await readFile(join(dir, file), "utf8"),
      },
      { lang: "Shell", label: "curl", source: curlSample(spec, op) },
    ];
  }
  const problems = [
    ...missing.map((f) => `- ${f} is missing: every operation needs a TypeScript sample`),
    ...[...files].map((f) => `- ${f} names no operation of the spec`),
  ];
  if (problems.length > 0) {
    throw new Error(`${relative(root, dir)}:\n${problems.join("\n")}`);
  }
  return spec;
}

/** Redoc's sidebar badge loads these from its CDN; the page uses an inline image instead. */
const CDN_LOGOS = [
  "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
  "https://cdn.redoc.ly/redoc/logo-mini.svg",
];
const LOCAL_LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="56" height="14" viewBox="0 0 56 14">' +
    '<text x="0" y="11" font-family="sans-serif" font-size="11" fill="#1f2937">Redocly</text></svg>',
)}`;

/** Builds `index.html` (self-contained) and `openapi.json` (the spec with samples) into outDir. */
export async function buildDocsSite(outDir: string): Promise<{ html: string; spec: string }> {
  const spec = await buildDocsSpec();
  await mkdir(outDir, { recursive: true });
  const specFile = join(outDir, "openapi.json");
  const htmlFile = join(outDir, "index.html");
  await writeFile(specFile, `${JSON.stringify(spec, null, 2)}\n`);
  await promisify(execFile)(
    redocly,
    ["build-docs", specFile, "--inlineBundle", "-t", template, "-o", htmlFile],
    {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  let html = await readFile(htmlFile, "utf8");
  const found = CDN_LOGOS.filter((url) => html.includes(url));
  if (found.length === 0) {
    throw new Error(
      "The Redoc badge no longer loads its logo from the known CDN addresses: check the built page " +
        "for other remote assets and update CDN_LOGOS in codegen/docs.ts.",
    );
  }
  for (const url of found) html = html.replaceAll(url, LOCAL_LOGO);
  await writeFile(htmlFile, html);
  return { html: htmlFile, spec: specFile };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const out = outIndex >= 0 ? args[outIndex + 1] : join(root, "site");
  if (!out) throw new Error("--out needs a folder");
  const { html } = await buildDocsSite(resolve(out));
  console.log(
    `Built ${relative(process.cwd(), html)}: open it in a browser, or run \`npm run docs:serve\`.`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
