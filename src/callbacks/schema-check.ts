/**
 * A small JSON Schema (2020-12) checker for the schemas codegen inlines from the spec (callback
 * bodies), so the core validates against the spec without a validator dependency. It implements
 * exactly the keywords codegen allows (see CHECKED_KEYWORDS in codegen/generate.ts).
 */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly allOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
}

/** Where a value breaks its schema: a JSON Pointer and what is wrong. */
export interface SchemaProblem {
  path: string;
  message: string;
}

const FORMATS: Record<string, RegExp> = {
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/,
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Unicode code points, as JSON Schema counts string length. */
function length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The first problem of a value against a schema, or undefined when it conforms. */
export function checkSchema(
  schema: JsonSchema,
  value: unknown,
  path = "",
): SchemaProblem | undefined {
  const fail = (message: string, at = path): SchemaProblem => ({ path: at, message });
  if (schema.type !== undefined) {
    const types = typeof schema.type === "string" ? [schema.type] : schema.type;
    if (!types.some((t) => hasType(value, t))) return fail(`must be ${types.join(" or ")}`);
  }
  if (schema.const !== undefined && !equal(value, schema.const))
    return fail(`must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.some((e) => equal(e, value)))
    return fail(`must be one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === "string") {
    if (schema.minLength !== undefined && length(value) < schema.minLength)
      return fail(`must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && length(value) > schema.maxLength)
      return fail(`must be at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value))
      return fail(`must match ${schema.pattern}`);
    const format = schema.format === undefined ? undefined : FORMATS[schema.format];
    if (format && !format.test(value)) return fail(`must be a ${schema.format}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      return fail(`must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      return fail(`must be <= ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      return fail(`must be > ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      return fail(`must be < ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return fail(`must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      return fail(`must have at most ${schema.maxItems} items`);
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const problem = checkSchema(schema.items, value[i], `${path}/${i}`);
        if (problem) return problem;
      }
    }
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!Object.prototype.hasOwnProperty.call(record, name))
        return fail("is required", `${path}/${name}`);
    }
    for (const [name, child] of Object.entries(record)) {
      const property = schema.properties?.[name];
      if (property) {
        const problem = checkSchema(property, child, `${path}/${name}`);
        if (problem) return problem;
      } else if (schema.additionalProperties === false) {
        return fail("is not allowed", `${path}/${name}`);
      } else if (typeof schema.additionalProperties === "object") {
        const problem = checkSchema(schema.additionalProperties, child, `${path}/${name}`);
        if (problem) return problem;
      }
    }
  }
  for (const sub of schema.allOf ?? []) {
    const problem = checkSchema(sub, value, path);
    if (problem) return problem;
  }
  if (schema.anyOf) {
    const problems = schema.anyOf.map((sub) => checkSchema(sub, value, path));
    if (problems.every((p) => p !== undefined)) return problems[0];
  }
  if (schema.oneOf) {
    const problems = schema.oneOf.map((sub) => checkSchema(sub, value, path));
    const matches = problems.filter((p) => p === undefined).length;
    if (matches === 0) return problems[0];
    if (matches > 1) return fail("matches more than one accepted shape");
  }
  return undefined;
}
