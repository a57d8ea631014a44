/**
 * The spec's schemas refuse what is obviously wrong, so that anyone validating against them
 * (a contract test, a gateway, a generated client) catches it. For every operation, its examples
 * are taken as the valid starting point and broken one way at a time: a required field left out,
 * a field of the wrong type, a misspelt field added (a request body is closed at every depth; an
 * answer where the documentation shows it in full). Each broken copy must be refused, and each
 * example itself must still pass, so a refusal is the break's doing.
 */
import { describe, expect, it } from "vitest";
import {
  at,
  describeErrors,
  operations,
  pointerSegment,
  resolvePointer,
  spec,
  validatorAt,
  type Json,
  type JsonObject,
  type OperationRef,
} from "../support/spec.js";

/** A value a schema is checked against, and where in the spec the schema is. */
interface Target {
  name: string;
  schema: string;
  value: Json;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The schema's node, following `$ref`s. */
function schemaAt(pointer: string): { pointer: string; node: JsonObject } {
  const resolved = resolvePointer(pointer);
  return { pointer: resolved, node: at(resolved) as JsonObject };
}

function valid(pointer: string, value: unknown): boolean {
  return validatorAt(pointer)(value) === true;
}

/**
 * The properties a value must have at the top of a schema: its own `required`, its `allOf`
 * members', and those of the `oneOf`/`anyOf` members the value is an instance of.
 */
function requiredOf(pointer: string, value: Json): Set<string> {
  const { pointer: at_, node } = schemaAt(pointer);
  const out = new Set<string>((node.required as string[] | undefined) ?? []);
  for (const key of ["allOf", "oneOf", "anyOf"] as const) {
    const members = (node[key] as Json[] | undefined) ?? [];
    members.forEach((_, i) => {
      const member = `${at_}/${key}/${i}`;
      if (key !== "allOf" && !valid(member, value)) return;
      for (const name of requiredOf(member, value)) out.add(name);
    });
  }
  return out;
}

/** `accountNumber` → `acountNumber`: a letter dropped, as typing does. */
function misspell(name: string): string {
  return name.length > 3 ? name.slice(0, 1) + name.slice(2) : `${name}x`;
}

/** A value of another kind: an object for a scalar, text for an object or a list. */
function wrongType(value: Json): Json {
  return value !== null && typeof value === "object" ? "not this" : { not: "this" };
}

/** Every object inside a value, with its path (the value itself first when it is one). */
function objectsIn(
  value: Json,
  path: (string | number)[] = [],
): [(string | number)[], JsonObject][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectsIn(item, [...path, i]));
  if (!isObject(value)) return [];
  return [
    [path, value],
    ...Object.entries(value).flatMap(([key, item]) => objectsIn(item, [...path, key])),
  ];
}

/** A copy of `value` with `change` applied to the object at `path`. */
function changed(value: Json, path: (string | number)[], change: (o: JsonObject) => void): Json {
  const copy = structuredClone(value);
  let node: Json = copy;
  for (const step of path) node = (node as Record<string | number, Json>)[step]!;
  change(node as JsonObject);
  return copy;
}

/** The examples of a media type, or of a parameter set. */
function examplesAt(pointer: string): [string, Json][] {
  const media = at(pointer);
  if (!isObject(media)) return [];
  const examples = (media.examples ?? {}) as JsonObject;
  return Object.entries(examples).map(([name, example]) => {
    const resolved = isObject(example) && typeof example.$ref === "string" ? example.$ref : null;
    const value = resolved ? (at(resolved.replace(/^#/, "")) as JsonObject).value : null;
    return [name, (value ?? (example as JsonObject).value) as Json];
  });
}

const mediaPointer = (pointer: string, type: string) =>
  `${pointer}/content/${pointerSegment(type)}`;

/** The request body examples of an operation (JSON or a form), each against its schema. */
function requestTargets(op: OperationRef): Target[] {
  const body = `${op.pointer}/requestBody`;
  if (!isObject(at(body))) return [];
  return Object.keys(at(`${body}/content`) as JsonObject).flatMap((type) => {
    const media = mediaPointer(body, type);
    return examplesAt(media).map(([name, value]) => ({
      name: `${op.method.toUpperCase()} ${op.path} request (${type}) "${name}"`,
      schema: `${media}/schema`,
      value,
    }));
  });
}

/** The JSON examples of an operation's 2xx answers, each against its schema. */
function answerTargets(op: OperationRef): Target[] {
  const responses = (at(`${op.pointer}/responses`) ?? {}) as JsonObject;
  return Object.keys(responses)
    .filter((status) => status.startsWith("2"))
    .flatMap((status) => {
      const response = resolvePointer(`${op.pointer}/responses/${status}`);
      const media = mediaPointer(response, "application/json");
      return examplesAt(media).map(([name, value]) => ({
        name: `${op.method.toUpperCase()} ${op.path} ${status} "${name}"`,
        schema: `${media}/schema`,
        value,
      }));
    });
}

/** An operation's query parameters: each name, whether it is required, and its schema's pointer. */
function queryOf(op: OperationRef): { name: string; required: boolean; schema: string }[] {
  return ((at(`${op.pointer}/parameters`) ?? []) as Json[])
    .map((_, i) => resolvePointer(`${op.pointer}/parameters/${i}`))
    .filter((pointer) => (at(pointer) as JsonObject).in === "query")
    .map((pointer) => {
      const parameter = at(pointer) as JsonObject;
      return {
        name: String(parameter.name),
        required: parameter.required === true,
        schema: `${pointer}/schema`,
      };
    });
}

/** The schema of the value at `path` inside a value of the schema at `pointer` (simple shapes only). */
function schemaFor(pointer: string, path: (string | number)[]): string | undefined {
  let here: string = schemaAt(pointer).pointer;
  for (const step of path) {
    const node: JsonObject = schemaAt(here).node;
    const next: string | undefined =
      typeof step === "number"
        ? isObject(node.items)
          ? `${here}/items`
          : undefined
        : isObject(node.properties) && step in node.properties
          ? `${here}/properties/${pointerSegment(step)}`
          : undefined;
    if (next === undefined) return undefined;
    here = schemaAt(next).pointer;
  }
  return here;
}

/** Each break of a valid value that a schema must refuse: [what was broken, the broken value]. */
function breaks(target: Target, options: { misspelt: boolean | "where closed" }): [string, Json][] {
  const out: [string, Json][] = [];
  const { value, schema } = target;
  const top = isObject(value)
    ? value
    : Array.isArray(value) && isObject(value[0])
      ? value[0]
      : null;
  const topPath = top === value ? [] : [0];
  if (top) {
    for (const name of requiredOf(schema, value)) {
      if (!(name in top)) continue;
      out.push([`without ${name}`, changed(value, topPath, (o) => delete o[name])]);
    }
    // (A null says nothing of the type the field has otherwise.)
    for (const [name, field] of Object.entries(top).filter(([, field]) => field !== null)) {
      out.push([
        `${name} of the wrong type`,
        changed(value, topPath, (o) => (o[name] = wrongType(field))),
      ]);
    }
  }
  if (options.misspelt) {
    for (const [path, object] of objectsIn(value)) {
      const [first] = Object.keys(object);
      if (first === undefined) continue;
      if (options.misspelt === "where closed") {
        const at_ = schemaFor(schema, path);
        if (at_ === undefined || !closes(at_)) continue;
      }
      const typo = misspell(first);
      out.push([
        `a misspelt ${typo} beside ${[...path, first].join(".")}`,
        changed(value, path, (o) => (o[typo] = object[first]!)),
      ]);
    }
  }
  return out;
}

const ops = operations();
const requests = ops.flatMap(requestTargets);
const answers = ops.flatMap(answerTargets);

describe("the spec's schemas refuse obviously wrong payloads", () => {
  it("has examples to start from for every operation that takes a body", () => {
    const withBody = ops.filter((op) => isObject(at(`${op.pointer}/requestBody`)));
    const without = withBody.filter((op) => requestTargets(op).length === 0);
    expect(without.map((op) => `${op.method} ${op.path}`)).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(withBody.length);
  });

  it.each(requests.map((t) => [t.name, t] as const))(
    "%s: each break is refused (a required field left out, a wrong type, a misspelt field at any depth)",
    (_, target) => {
      const validate = validatorAt(target.schema);
      expect(validate(target.value), describeErrors(validate.errors).join("\n")).toBe(true);
      const cases = breaks(target, { misspelt: true });
      expect(cases.length).toBeGreaterThanOrEqual(3);
      const accepted = cases.filter(([, broken]) => valid(target.schema, broken)).map(([w]) => w);
      expect(accepted, "breaks the schema accepted").toEqual([]);
    },
  );

  it.each(answers.map((t) => [t.name, t] as const))(
    "%s: a required field left out, a wrong type, or a misspelt field in a closed object is refused",
    (_, target) => {
      const validate = validatorAt(target.schema);
      expect(validate(target.value), describeErrors(validate.errors).join("\n")).toBe(true);
      const cases = breaks(target, { misspelt: "where closed" });
      const accepted = cases.filter(([, broken]) => valid(target.schema, broken)).map(([w]) => w);
      expect(accepted, "breaks the schema accepted").toEqual([]);
    },
  );

  it("every answer with a body has an example to break", () => {
    const missing = ops.filter((op) => {
      const responses = (at(`${op.pointer}/responses`) ?? {}) as JsonObject;
      const json = Object.keys(responses)
        .filter((s) => s.startsWith("2"))
        .some((s) =>
          isObject(
            at(mediaPointer(resolvePointer(`${op.pointer}/responses/${s}`), "application/json")),
          ),
        );
      return json && answerTargets(op).length === 0;
    });
    expect(missing.map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  it.each(
    ops
      .filter((op) => queryOf(op).some((p) => p.required))
      .map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const),
  )(
    "%s: its query without a required parameter, or with one of the wrong type, is refused",
    (_, op) => {
      const parameters = queryOf(op);
      // The query as one object: each parameter's own schema, its required ones required.
      const check = (query: JsonObject) =>
        parameters.every(({ name, required, schema }) =>
          name in query ? valid(schema, query[name]) : !required,
        );
      const good = Object.fromEntries(parameters.map((p) => [p.name, sampleFor(p.schema)]));
      expect(check(good), JSON.stringify(good)).toBe(true);
      for (const { name } of parameters.filter((p) => p.required)) {
        const { [name]: _left, ...without } = good;
        expect(check(without), `without ${name}`).toBe(false);
        expect(check({ ...good, [name]: { not: "this" } }), `${name} as an object`).toBe(false);
      }
    },
  );
});

/** A value a parameter's schema accepts: its example, default or first enum value. */
function sampleFor(pointer: string): Json {
  const { node } = schemaAt(pointer);
  const examples = node.examples as Json[] | undefined;
  if (examples?.length) return examples[0]!;
  if (node.default !== undefined) return node.default;
  if (Array.isArray(node.enum)) return node.enum[0]!;
  if (node.format === "uuid") return "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
  if (node.type === "integer" || node.type === "number") return Number(node.minimum ?? 1);
  return "x";
}

/**
 * Whether a schema refuses every property it does not name: closed itself, or by a member every
 * value must pass (`allOf`), or by each of the members one of which it must pass.
 */
function closes(pointer: string): boolean {
  const { pointer: here, node } = schemaAt(pointer);
  if (node.additionalProperties === false || node.unevaluatedProperties === false) return true;
  const members = (key: string) =>
    ((node[key] as Json[] | undefined) ?? []).map((_, i) => `${here}/${key}/${i}`);
  if (members("allOf").some(closes)) return true;
  return ["oneOf", "anyOf"].some((key) => members(key).length > 0 && members(key).every(closes));
}

/** The schema and every member of its compositions, at any depth (all apply to one value). */
function membersOf(pointer: string): string[] {
  const { pointer: here, node } = schemaAt(pointer);
  return [
    here,
    ...["allOf", "oneOf", "anyOf"].flatMap((key) =>
      ((node[key] as Json[] | undefined) ?? []).flatMap((_, i) => membersOf(`${here}/${key}/${i}`)),
    ),
  ];
}

/**
 * Where a request body's schema leaves an object open, at any depth: each object value it
 * describes (through `$ref`s, properties, items and compositions) must be closed.
 */
function openObjectsIn(pointer: string, seen = new Set<string>()): string[] {
  const here = schemaAt(pointer).pointer;
  if (seen.has(here)) return [];
  seen.add(here);
  const members = membersOf(here).map((p) => [p, schemaAt(p).node] as const);
  const objectLike = members.some(
    ([, node]) =>
      node.type === "object" ||
      (Array.isArray(node.type) && node.type.includes("object")) ||
      isObject(node.properties),
  );
  const open = objectLike && !closes(here) ? [here] : [];
  for (const [at_, node] of members) {
    for (const name of Object.keys((node.properties ?? {}) as JsonObject)) {
      open.push(...openObjectsIn(`${at_}/properties/${pointerSegment(name)}`, seen));
    }
    if (isObject(node.items)) open.push(...openObjectsIn(`${at_}/items`, seen));
  }
  return open;
}

/** Every `x-almara-evidence` in a JSON value, with where it is. */
function evidenceIn(value: Json, path = ""): [string, Json][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => evidenceIn(item, `${path}/${i}`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === "x-almara-evidence"
      ? [[path, item] as [string, Json]]
      : evidenceIn(item, `${path}/${pointerSegment(key)}`),
  );
}

describe("the shapes a reader relies on", () => {
  it("says how well each operation and each thinly evidenced schema is known, in the levels the spec lists", () => {
    const levels = ["documented", "documented-path", "third-party-client", "inferred"];
    const found = evidenceIn(spec);
    expect(found.filter(([, level]) => !levels.includes(String(level)))).toEqual([]);
    const schemas = found.filter(([at_]) => at_.startsWith("/components/schemas/"));
    expect(schemas.map(([at_]) => at_.split("/")[3]).sort()).toEqual(
      expect.arrayContaining(["Charge", "PaymentLink", "PaymentOrderLineStatus", "WalletBalance"]),
    );
    for (const op of ops) expect(levels, op.path).toContain(op.operation["x-almara-evidence"]);
  });

  it("closes what the documentation shows in full", () => {
    const documented = evidenceIn(spec).filter(
      ([at_, level]) => at_.startsWith("/components/schemas/") && level === "documented",
    );
    expect(documented.length).toBeGreaterThanOrEqual(5);
    const open = documented
      .map(([at_]) => at_)
      .filter((at_) => {
        const { node } = schemaAt(at_);
        // Closed itself, and so is an answer's `message` object.
        const message = isObject(node.properties) ? node.properties.message : undefined;
        const messageOpen =
          isObject(message) &&
          schemaAt(`${at_}/properties/message`).node.type === "object" &&
          !closes(`${at_}/properties/message`);
        return !closes(at_) || messageOpen;
      });
    expect(open).toEqual([]);
  });

  it("every request body is closed at every depth", () => {
    const open = ops.flatMap((op) => {
      if (!isObject(at(`${op.pointer}/requestBody`))) return [];
      const content = at(`${op.pointer}/requestBody/content`) as JsonObject;
      return Object.keys(content).flatMap((type) =>
        openObjectsIn(`${mediaPointer(`${op.pointer}/requestBody`, type)}/schema`),
      );
    });
    expect([...new Set(open)]).toEqual([]);
  });

  const schema = (name: string) => `/components/schemas/${name}`;
  const refused = (pointer: string, value: Json) => valid(pointer, value) === false;

  it("a payment link needs its id; a new link's answer is the documented {} or a link", () => {
    expect(refused(schema("PaymentLink"), { foo: 1 })).toBe(true);
    expect(refused(schema("PaymentLink"), { shortCode: "600980" })).toBe(true);
    expect(valid(schema("PaymentLink"), { id: "l1", shortCode: "600980" })).toBe(true);
    expect(valid(schema("PaymentLinkCreated"), {})).toBe(true);
    expect(refused(schema("PaymentLinkCreated"), { foo: 1 })).toBe(true);
    // Any field makes it a link, and a link has its id.
    const link = { shortCode: "600980", isAmountSpecified: true, amount: 5 };
    expect(refused(schema("PaymentLinkCreated"), link)).toBe(true);
    expect(valid(schema("PaymentLinkCreated"), { ...link, id: "l1" })).toBe(true);
  });

  it("an express deposit's Amount is positive, as a number or as text", () => {
    const amount = schema("ExpressDepositRequest") + "/properties/Amount";
    for (const good of [10, 0.5, "10", "0.5", "1.25"])
      expect(valid(amount, good), String(good)).toBe(true);
    for (const bad of [0, -1, "0", "00", "0.00", "1.255", "", "1e3"]) {
      expect(refused(amount, bad), JSON.stringify(bad)).toBe(true);
    }
  });

  it("a wallet balance and a charge state their fields", () => {
    expect(refused(schema("WalletBalance"), {})).toBe(true);
    const charges =
      "/paths/~1v1~1charge~1fetch-charges/get/responses/200/content/application~1json/schema";
    expect(refused(charges, [{ foo: "bar" }])).toBe(true);
  });

  it('a payout line\'s echo is closed and typed (a ccy of "abc" is refused)', () => {
    const example = (
      at(
        "/paths/~1v1~1payment-order~1check-status/get/responses/200/content/application~1json/examples/completed/value",
      ) as JsonObject
    ).orderLines as JsonObject[];
    const line = example[0]!;
    const pointer = schema("PaymentOrderLineStatus");
    expect(valid(pointer, line)).toBe(true);
    for (const part of ["remitter", "recipient"]) {
      expect(
        refused(pointer, { ...line, [part]: { ...(line[part] as JsonObject), ccy: "abc" } }),
      ).toBe(true);
    }
    for (const part of ["remitter", "recipient", "transaction"]) {
      expect(
        refused(pointer, { ...line, [part]: { ...(line[part] as JsonObject), extra: 1 } }),
      ).toBe(true);
    }
  });

  it("accepted answers and the domain validation error carry their ids", () => {
    for (const name of [
      "PaymentOrderAccepted",
      "ExpressDepositAccepted",
      "BillPaymentAccepted",
      "AirtimePurchaseAccepted",
    ]) {
      const message = {
        appDomainName: "LIVE",
        remarks: "accepted",
        systemConversationId: "s1",
        timestamp: "2026-01-01T00:00:00Z",
      };
      expect(refused(schema(name), { message }), name).toBe(true);
      expect(
        valid(schema(name), { message: { ...message, originatorConversationId: "o1" } }),
        name,
      ).toBe(true);
    }
    const error = {
      appDomainName: "LIVE",
      timestamp: "2026-01-01T00:00:00Z",
      errors: [{ field: "OriginatorConversationId", message: "duplicate" }],
    };
    const pointer = schema("DomainValidationError");
    expect(refused(pointer, error)).toBe(true);
    expect(
      valid(pointer, { ...error, systemConversationId: "s1", originatorConversationId: "o1" }),
    ).toBe(true);
  });

  it("a lookup's 404 may be { id, idType, message }, and is declared in both JSON media types", () => {
    const body = { id: "o1", idType: "OriginatorConversationId", message: "not found" };
    const lookups = ops.filter((op) => op.path.endsWith("/check-status"));
    expect(lookups.length).toBeGreaterThanOrEqual(4);
    for (const op of lookups) {
      const notFound = resolvePointer(`${op.pointer}/responses/404`);
      expect(valid(`${notFound}/content/application~1json/schema`, body), op.path).toBe(true);
      expect(refused(`${notFound}/content/application~1json/schema`, { id: "o1" }), op.path).toBe(
        true,
      );
      expect(Object.keys(at(`${notFound}/content`) as JsonObject).sort()).toEqual([
        "application/json",
        "application/problem+json",
      ]);
    }
  });

  it("every error answer that can be ProblemDetails is declared in both JSON media types", () => {
    const missing: string[] = [];
    for (const op of operations()) {
      const responses = (at(`${op.pointer}/responses`) ?? {}) as JsonObject;
      for (const status of Object.keys(responses).filter((s) => Number(s) >= 400)) {
        const response = resolvePointer(`${op.pointer}/responses/${status}`);
        const content = (at(`${response}/content`) ?? {}) as JsonObject;
        const problem = JSON.stringify(content["application/json"] ?? {}).includes(
          "ProblemDetails",
        );
        if (problem && !("application/problem+json" in content)) {
          missing.push(`${op.method.toUpperCase()} ${op.path} ${status}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(spec.openapi).toBe("3.1.0");
  });
});
