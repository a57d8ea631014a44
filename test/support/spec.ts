/**
 * The bundled spec (src/generated/openapi.json) and JSON Schema 2020-12 validators over it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSpecAjv, SPEC_ID } from "../../codegen/request-validators.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const specUrl = new URL("../../src/generated/openapi.json", import.meta.url);
export const specPath = fileURLToPath(specUrl);
export const spec = JSON.parse(readFileSync(specUrl, "utf8")) as JsonObject;

const ajvs = {
  strict: createSpecAjv(spec, { validateFormats: true }),
  shapeOnly: createSpecAjv(spec, { validateFormats: false }),
};

/** Escapes one JSON Pointer segment. */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A validator for the schema at a JSON Pointer inside the bundled spec. */
export function validatorAt(
  pointer: string,
  options: { formats?: boolean } = {},
): ValidateFunction {
  const ajv = options.formats === false ? ajvs.shapeOnly : ajvs.strict;
  const validate = ajv.getSchema(`${SPEC_ID}#${pointer}`);
  if (!validate) throw new Error(`No schema at ${pointer} in the bundled spec`);
  return validate;
}

/** One line per error: where in the instance, and what is wrong. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath === "" ? "(root)" : e.instancePath;
    const field =
      e.keyword === "required"
        ? ` '${String((e.params as { missingProperty: string }).missingProperty)}'`
        : "";
    return `${at}: ${e.message ?? e.keyword}${field}`;
  });
}

/** Reads the value at a JSON Pointer in the bundled spec. */
export function at(pointer: string): Json {
  let node: Json = spec;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") throw new Error(`No value at ${pointer}`);
    node = (node as JsonObject)[key] ?? null;
  }
  return node;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

export interface OperationRef {
  method: string;
  path: string;
  /** JSON Pointer of the operation object. */
  pointer: string;
  operation: JsonObject;
}

/** Every operation of the spec's `paths`. */
export function operations(): OperationRef[] {
  const paths = spec.paths as JsonObject;
  return Object.entries(paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => (item as JsonObject)[m]).map((method) => ({
      method,
      path,
      pointer: `/paths/${pointerSegment(path)}/${method}`,
      operation: (item as JsonObject)[method] as JsonObject,
    })),
  );
}

/** The operation for a method and path, or undefined when the spec has none. */
export function findOperation(method: string, path: string): OperationRef | undefined {
  return operations().find((o) => o.method === method.toLowerCase() && o.path === path);
}

/** Follows a local `$ref` (responses are often shared components). */
export function resolvePointer(pointer: string): string {
  const node = at(pointer);
  if (node && typeof node === "object" && !Array.isArray(node) && typeof node.$ref === "string") {
    return resolvePointer(node.$ref.replace(/^#/, ""));
  }
  return pointer;
}
