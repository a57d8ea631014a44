/**
 * The API binds JSON property names without regard to case (ASP.NET Core's default): a body that
 * says `ChannelType` where the spec says `channelType` is bound as if it said `channelType`. The
 * sandbox does the same before it validates a body: every property whose name matches one the
 * schema declares, in another casing, is renamed to the spec's spelling, at every depth (through
 * `$ref`, arrays, `allOf`/`oneOf`/`anyOf`). Answers keep the API's own spelling.
 */
import { at, resolvePointer, type JsonObject } from "./spec.js";

interface Known {
  name: string;
  pointer: string;
}

const known = new Map<string, Map<string, Known>>();

/** The properties a schema declares (its branches' too), by lower-cased name. */
function propertiesAt(requested: string): Map<string, Known> {
  const pointer = resolvePointer(requested);
  const cached = known.get(pointer);
  if (cached) return cached;
  const names = new Map<string, Known>();
  known.set(pointer, names);
  const schema = at(pointer) as JsonObject | undefined;
  const properties = schema?.properties as JsonObject | undefined;
  for (const name of Object.keys(properties ?? {})) {
    const lower = name.toLowerCase();
    if (!names.has(lower))
      names.set(lower, { name, pointer: `${pointer}/properties/${escape(name)}` });
  }
  for (const combiner of ["allOf", "oneOf", "anyOf"] as const) {
    const branches = schema?.[combiner];
    if (!Array.isArray(branches)) continue;
    branches.forEach((_, i) => {
      for (const [lower, entry] of propertiesAt(`${pointer}/${combiner}/${i}`)) {
        if (!names.has(lower)) names.set(lower, entry);
      }
    });
  }
  return names;
}

function escape(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The items schema of an array schema, when it has one. */
function itemsAt(requested: string): string | undefined {
  const pointer = resolvePointer(requested);
  const schema = at(pointer) as JsonObject | undefined;
  return schema && typeof schema.items === "object" ? `${pointer}/items` : undefined;
}

/** The value with its property names in the spelling of the schema at `pointer`. */
export function bindNames(value: unknown, pointer: string, depth = 0): unknown {
  if (depth > 32 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const items = itemsAt(pointer);
    return items ? value.map((item) => bindNames(item, items, depth + 1)) : value;
  }
  const names = propertiesAt(pointer);
  if (names.size === 0) return value;
  const bound: JsonObject = {};
  const given = value as JsonObject;
  for (const [key, item] of Object.entries(given)) {
    // Matched as .NET's ordinal ignore-case matches ASCII names (no Unicode folding); a name given
    // in several casings binds the last one, as System.Text.Json does.
    const match = /^[\x00-\x7f]*$/.test(key) ? names.get(key.toLowerCase()) : undefined;
    const name = match ? match.name : key;
    // Defined, not assigned: a `__proto__` key stays a key, as JSON.parse made it.
    Object.defineProperty(bound, name, {
      value: match ? bindNames(item, match.pointer, depth + 1) : item,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return bound;
}

/** A schema's node, following `$ref`s. */
function schemaNode(pointer: string): JsonObject {
  return (at(resolvePointer(pointer)) ?? {}) as JsonObject;
}

/**
 * The query as the API binds it (ASP.NET Core): parameter names without regard to case (ASCII),
 * an enum's name without regard to case, and a number as its value (`00` is `0`). Names the
 * operation does not declare are kept as given.
 */
export function bindQuery(
  query: URLSearchParams,
  parameters: readonly { name: string; schema: string }[],
): URLSearchParams {
  if (parameters.length === 0) return query;
  const declared = new Map(parameters.map((p) => [p.name.toLowerCase(), p]));
  const bound = new URLSearchParams();
  for (const [key, value] of query) {
    const parameter = /^[\x00-\x7f]*$/.test(key) ? declared.get(key.toLowerCase()) : undefined;
    bound.append(
      parameter ? parameter.name : key,
      parameter ? bindValue(value, parameter.schema) : value,
    );
  }
  return bound;
}

/** A query value in the spelling its schema declares (unchanged when nothing matches). */
function bindValue(value: string, pointer: string): string {
  const schema = schemaNode(pointer);
  const types = ([] as unknown[]).concat(schema.type ?? []);
  if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(value)) {
    return String(Number(value));
  }
  if (Array.isArray(schema.enum)) {
    const match = schema.enum.find(
      (option) => typeof option === "string" && option.toLowerCase() === value.toLowerCase(),
    );
    if (typeof match === "string") return match;
  }
  return value;
}
