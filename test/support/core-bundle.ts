/**
 * The core entry as a bundler for a non-Node runtime sees it: bundled by esbuild for the neutral
 * platform, measured minified and gzipped, and run in a realm that has only web-standard globals.
 */
import { createContext, runInContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { build, type Format } from "esbuild";
import { root } from "./package.js";

/** Bundles `source` (module code importing from the built package) for the neutral platform. */
export async function bundleNeutral(source: string, format: Format = "esm"): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    format,
    ...(format === "iife" ? { globalName: "AlmaraPay" } : {}),
    platform: "neutral",
    // The neutral platform has no default: these are what edge bundlers use.
    mainFields: ["module", "main"],
    conditions: ["worker", "browser"],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

export function gzipSize(text: string): number {
  return gzipSync(text, { level: 9 }).length;
}

/** Only what a fetch-based runtime (a browser, a worker, an edge function) offers. */
const WEB_GLOBALS = [
  ...["fetch", "Request", "Response", "Headers", "FormData", "Blob", "URL", "URLSearchParams"],
  ...["AbortController", "AbortSignal", "DOMException", "TextEncoder", "TextDecoder", "crypto"],
  ...["setTimeout", "clearTimeout", "queueMicrotask", "structuredClone", "console"],
  ...["ReadableStream", "atob", "btoa", "Event", "EventTarget"],
] as const;

/**
 * Runs an IIFE bundle in a fresh realm with web-standard globals only (no `process`, `Buffer`,
 * `require`, `setImmediate`), and returns what it exported.
 */
export function runInWebRealm(iife: string): Record<string, unknown> {
  const globals: Record<string, unknown> = {};
  for (const name of WEB_GLOBALS) globals[name] = (globalThis as Record<string, unknown>)[name];
  const context = createContext(globals);
  runInContext(`${iife}\nglobalThis.AlmaraPay = AlmaraPay;`, context);
  for (const name of ["process", "Buffer", "require", "setImmediate", "global"]) {
    if (runInContext(`typeof ${name}`, context) !== "undefined") {
      throw new Error(`the web realm leaks ${name}`);
    }
  }
  return context.AlmaraPay as Record<string, unknown>;
}
