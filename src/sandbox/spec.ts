/**
 * The bundled spec at run time, its operations, and JSON Schema 2020-12 validation over it.
 * The sandbox checks every request against it and the tests check every answer.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
// Imported, not read from disk: the package build inlines it into the ESM and CJS sandbox alike.
import bundledSpec from "../generated/openapi.json" with { type: "json" };

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export type JsonObject = { [key: string]: unknown };

export const spec = bundledSpec as JsonObject;

const SPEC_ID = "almara-pay:openapi";
const METHODS = ["get", "put", "post", "delete", "patch"] as const;

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  /** JSON Pointer of the operation object. */
  pointer: string;
  /** False when the operation declares `security: []`. */
  secured: boolean;
  object: JsonObject;
}

/** Escapes one JSON Pointer segment. */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The pointer a `$ref` at `pointer` leads to (the pointer itself when there is none). */
export function resolvePointer(pointer: string): string {
  let node: unknown = spec;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as JsonObject | undefined)?.[key];
  }
  const ref = (node as JsonObject | undefined)?.$ref;
  return typeof ref === "string" ? resolvePointer(ref.replace(/^#/, "")) : pointer;
}

/** The value at a JSON Pointer, following a `$ref` at the end. */
export function at(pointer: string): unknown {
  let node: unknown = spec;
  for (const raw of resolvePointer(pointer).split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as JsonObject | undefined)?.[key];
  }
  return node;
}

export const operations: Operation[] = Object.entries(spec.paths as JsonObject).flatMap(
  ([path, item]) =>
    METHODS.filter((m) => (item as JsonObject)[m]).map((method) => {
      const object = (item as JsonObject)[method] as JsonObject;
      return {
        operationId: object.operationId as string,
        method: method.toUpperCase(),
        path,
        pointer: `/paths/${pointerSegment(path)}/${method}`,
        secured: !(Array.isArray(object.security) && object.security.length === 0),
        object,
      };
    }),
);

export function findOperation(method: string, path: string): Operation | undefined {
  return operations.find((o) => o.method === method && o.path === path);
}

/**
 * Keywords ajv must accept besides JSON Schema's own: OpenAPI's, and the members of the document,
 * which ajv compiles once as the root of every schema inside it.
 */
export const EXTRA_KEYWORDS = [
  ...["discriminator", "xml", "externalDocs", "example"],
  ...["openapi", "info", "servers", "security", "tags", "paths", "components", "webhooks"],
  "jsonSchemaDialect",
  // The document's own extensions (`x-tagGroups` for the docs site, …).
  ...Object.keys(spec).filter((key) => key.startsWith("x-")),
];

function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    // `required` beside `allOf` names properties the `allOf` members define: the OpenAPI idiom.
    strictRequired: false,
    validateSchema: false,
  });
  for (const keyword of EXTRA_KEYWORDS) ajv.addKeyword(keyword);
  addFormats(ajv);
  ajv.addSchema(spec as object, SPEC_ID);
  return ajv;
}

const ajv = makeAjv();

/** A validator for the schema at a JSON Pointer of the spec (compiled once). */
export function validatorAt(pointer: string): ValidateFunction {
  const validate = ajv.getSchema(`${SPEC_ID}#${pointer}`);
  if (!validate) throw new Error(`No schema at ${pointer}`);
  return validate;
}

/**
 * The schema pointer a value must satisfy: for a `oneOf` whose branches are told apart by a
 * `const` property (`transactionType`, `isAmountSpecified`), the branch the value names, so that
 * errors speak of that branch only.
 */
export function branchFor(requested: string, value: unknown): { pointer: string; tag?: string } {
  const pointer = resolvePointer(requested);
  const schema = at(pointer) as JsonObject | undefined;
  const branches = schema?.oneOf as JsonObject[] | undefined;
  if (!Array.isArray(branches)) return { pointer };
  const resolved = branches.map((b, i) =>
    typeof b.$ref === "string" ? (b.$ref as string).replace(/^#/, "") : `${pointer}/oneOf/${i}`,
  );
  const consts = resolved.map((p) => {
    const properties = (at(p) as JsonObject).properties as Record<string, JsonObject> | undefined;
    return Object.entries(properties ?? {}).find(([, s]) => "const" in s);
  });
  const tag = consts[0]?.[0];
  if (!tag || consts.some((c) => c?.[0] !== tag)) return { pointer };
  const actual = (value as JsonObject | null)?.[tag];
  const index = consts.findIndex((c) => c?.[1].const === actual);
  return index >= 0 ? { pointer: resolved[index]!, tag } : { pointer, tag };
}

export type { ErrorObject };
