/**
 * Reading a bundled spec: JSON Pointers, `$ref`s, its operations, the `oneOf` branch a request
 * names, and every schema the sandbox validates requests against. Pure functions of the spec, so
 * that codegen precompiles the validators from the spec it just bundled and the sandbox reads the
 * same pointers from the committed one.
 */

export type JsonObject = { [key: string]: unknown };

/** One error of a request validator (the shape ajv reports). */
export interface ValidationError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A precompiled validator: true when the value is valid, else `errors` says why. */
export type RequestValidator = ((value: unknown) => boolean) & {
  errors?: ValidationError[] | null;
};

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

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** Escapes one JSON Pointer segment. */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Keywords a validator must accept besides JSON Schema's own: OpenAPI's, and the members of the
 * document, which is compiled as the root of every schema inside it.
 */
export function extraKeywords(spec: JsonObject): string[] {
  return [
    ...["discriminator", "xml", "externalDocs", "example"],
    ...["openapi", "info", "servers", "security", "tags", "paths", "components", "webhooks"],
    "jsonSchemaDialect",
    // The extensions, wherever they are (`x-tagGroups` for the docs site, `x-almara-evidence`…).
    ...extensionsIn(spec),
  ];
}

/** Every `x-` key used anywhere in a JSON value. */
function extensionsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) extensionsIn(item, found);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith("x-")) found.add(key);
      extensionsIn(item, found);
    }
  }
  return found;
}

/** The walker over one spec. */
export function specWalker(spec: JsonObject) {
  /** The pointer a `$ref` at `pointer` leads to (the pointer itself when there is none). */
  function resolvePointer(pointer: string): string {
    let node: unknown = spec;
    for (const raw of pointer.split("/").slice(1)) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      node = (node as JsonObject | undefined)?.[key];
    }
    const ref = (node as JsonObject | undefined)?.$ref;
    return typeof ref === "string" ? resolvePointer(ref.replace(/^#/, "")) : pointer;
  }

  /** The value at a JSON Pointer, following a `$ref` at the end. */
  function at(pointer: string): unknown {
    let node: unknown = spec;
    for (const raw of resolvePointer(pointer).split("/").slice(1)) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      node = (node as JsonObject | undefined)?.[key];
    }
    return node;
  }

  const operations: Operation[] = Object.entries(spec.paths as JsonObject).flatMap(([path, item]) =>
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

  const byRoute = new Map(operations.map((o) => [`${o.method} ${o.path}`, o]));
  function findOperation(method: string, path: string): Operation | undefined {
    return byRoute.get(`${method} ${path}`);
  }

  /** A `oneOf`'s branches told apart by one `const` property: their pointers and that property. */
  function branchesOf(requested: string): {
    pointer: string;
    pointers: string[];
    tag?: string;
    consts: unknown[];
  } {
    const pointer = resolvePointer(requested);
    const schema = at(pointer) as JsonObject | undefined;
    const branches = schema?.oneOf as JsonObject[] | undefined;
    if (!Array.isArray(branches)) return { pointer, pointers: [], consts: [] };
    const pointers = branches.map((b, i) =>
      typeof b.$ref === "string" ? (b.$ref as string).replace(/^#/, "") : `${pointer}/oneOf/${i}`,
    );
    const found = pointers.map((p) => {
      const properties = (at(p) as JsonObject).properties as Record<string, JsonObject> | undefined;
      return Object.entries(properties ?? {}).find(([, s]) => "const" in s);
    });
    const tag = found[0]?.[0];
    if (!tag || found.some((c) => c?.[0] !== tag)) return { pointer, pointers: [], consts: [] };
    return { pointer, pointers, tag, consts: found.map((c) => c?.[1].const) };
  }

  /**
   * The schema pointer a value must satisfy: for a `oneOf` whose branches are told apart by a
   * `const` property (`transactionType`, `isAmountSpecified`), the branch the value names, so that
   * errors speak of that branch only.
   */
  function branchFor(requested: string, value: unknown): { pointer: string; tag?: string } {
    const { pointer, pointers, tag, consts } = branchesOf(requested);
    if (!tag) return { pointer };
    const actual = (value as JsonObject | null)?.[tag];
    const index = consts.findIndex((c) => c === actual);
    return index >= 0 ? { pointer: pointers[index]!, tag } : { pointer, tag };
  }

  /** The request body's schema pointer of an operation, and its media type (or undefined). */
  function bodyOf(op: Operation): { type: string; pointer: string } | undefined {
    const requestBody = op.object.requestBody as { content: Record<string, unknown> } | undefined;
    if (!requestBody) return undefined;
    const [type] = Object.keys(requestBody.content);
    return {
      type: type!,
      pointer: `${op.pointer}/requestBody/content/${pointerSegment(type!)}/schema`,
    };
  }

  /** The query parameters of an operation: name, whether required, and its schema's pointer. */
  function queryOf(op: Operation): { name: string; required: boolean; schema: string }[] {
    const parameters = (op.object.parameters ?? []) as unknown[];
    return parameters.flatMap((_, i) => {
      const pointer = resolvePointer(`${op.pointer}/parameters/${i}`);
      const parameter = at(pointer) as { name: string; in: string; required?: boolean };
      return parameter.in === "query"
        ? [
            {
              name: parameter.name,
              required: parameter.required === true,
              schema: `${pointer}/schema`,
            },
          ]
        : [];
    });
  }

  /** Every schema pointer the sandbox validates a request against, each once, in order. */
  function validationPointers(): string[] {
    const pointers = new Set<string>();
    for (const op of operations) {
      for (const { schema } of queryOf(op)) pointers.add(schema);
      const body = bodyOf(op);
      if (!body) continue;
      pointers.add(body.pointer);
      const { pointer, pointers: branches } = branchesOf(body.pointer);
      pointers.add(pointer);
      for (const branch of branches) pointers.add(branch);
    }
    return [...pointers];
  }

  return {
    resolvePointer,
    at,
    operations,
    findOperation,
    branchFor,
    bodyOf,
    queryOf,
    validationPointers,
  };
}
