/**
 * Every sample of test/contract/fixtures/samples.json for an endpoint the spec describes validates against
 * the bundled spec. Samples marked "shape_only" hold placeholders ("<guid>", "") in place of values,
 * so their formats, and the emptiness of "", are not checked; truncated documentation samples are cut back to their last
 * complete member and checked for everything but the members they lost.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "../support/fixtures-dir.js";
import {
  describeErrors,
  findOperation,
  resolvePointer,
  at,
  validatorAt,
  type JsonObject,
  type OperationRef,
} from "../support/spec.js";
import { parseTruncatedJson } from "../support/truncated-json.js";

const samples = JSON.parse(readFileSync(join(fixturesDir, "samples.json"), "utf8")) as Record<
  string,
  JsonObject
>;

/** Sample entries the spec deliberately does not describe, and why. */
const NOT_DESCRIBED: Record<string, string> = {
  "POST /v1/oauth/token (2026 Authorization overview page, unverified)":
    "the spec uses POST /connect/token, which every client and the token page use",
};

/**
 * Keys of a sample entry that hold notes, not samples. `documented_field_table` lists the airtime
 * page's flat fields and their types in words; the spec follows the clients' nested body instead
 * (see purchaseAirtime's description).
 */
const METADATA_KEYS = new Set([
  ...["sources", "notes", "content_type", "description", "hosts"],
  "documented_field_table",
]);

/**
 * Samples filed under one operation or role that belong to another, and why: the "Query Checkout"
 * page's curl sends a body on its GET, which takes none. That body is the order as the query
 * answers it (the create-order fields with a `checkoutOutcome`, which a new order's closed schema
 * refuses), so it is checked as the query's answer.
 */
const FILED_ELSEWHERE: Record<string, [method: string, path: string, role: Role]> = {
  "GET /v1/checkout-order/check-status?IdType=1&Id={id} › request_body_as_documented_in_curl": [
    "get",
    "/v1/checkout-order/check-status",
    "success",
  ],
};

type Role = "request" | "success" | "error";

function roleOf(key: string): Role {
  if (key.startsWith("request")) return "request";
  if (key.startsWith("error") || key.startsWith("response_error") || key.startsWith("response_4")) {
    return "error";
  }
  if (key.startsWith("response")) return "success";
  throw new Error(`samples.json key "${key}" is neither a request, a response nor an error`);
}

/** "POST /v1/bill-payments (transactionType 2, …)" → ["post", "/v1/bill-payments"]. */
function parseEntryName(name: string): [string, string] | undefined {
  const match = /^(GET|POST|PUT|PATCH|DELETE) (\/[^\s?]*)/.exec(name);
  return match ? [match[1]!.toLowerCase(), match[2]!] : undefined;
}

/** Schema pointers a sample of this role may satisfy, most specific first. */
function schemaPointers(op: OperationRef, role: Role): string[] {
  if (role === "request") {
    const content = at(`${op.pointer}/requestBody/content`) as JsonObject;
    return Object.keys(content).map(
      (type) => `${op.pointer}/requestBody/content/${type.replace(/\//g, "~1")}/schema`,
    );
  }
  const responses = at(`${op.pointer}/responses`) as JsonObject;
  return Object.keys(responses)
    .filter((status) => (role === "success" ? status.startsWith("2") : !status.startsWith("2")))
    .flatMap((status) => {
      const response = resolvePointer(`${op.pointer}/responses/${status}`);
      const content = (at(`${response}/content`) ?? {}) as JsonObject;
      return Object.keys(content).map(
        (type) => `${response}/content/${type.replace(/\//g, "~1")}/schema`,
      );
    });
}

interface SampleCase {
  name: string;
  op: OperationRef;
  role: Role;
  value: unknown;
  formats: boolean;
  truncated: boolean;
}

const cases: SampleCase[] = [];
const outsideSpec: string[] = [];
for (const [entry, fields] of Object.entries(samples)) {
  if (entry === "_meta" || entry in NOT_DESCRIBED) continue;
  const parsed = parseEntryName(entry);
  const op = parsed && findOperation(...parsed);
  if (!op) {
    outsideSpec.push(entry);
    continue;
  }
  for (const [key, raw] of Object.entries(fields)) {
    if (METADATA_KEYS.has(key)) continue;
    const truncated = key.endsWith("_truncated_text");
    const name = `${entry} › ${key}`;
    const elsewhere = FILED_ELSEWHERE[name];
    cases.push({
      name,
      op: elsewhere ? findOperation(elsewhere[0], elsewhere[1])! : op,
      role: elsewhere?.[2] ?? roleOf(key),
      value: truncated ? parseTruncatedJson(raw as string) : raw,
      formats: !key.includes("shape_only"),
      truncated,
    });
  }
}

/** The value at a JSON Pointer inside a sample. */
function valueAt(value: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .reduce<unknown>(
      (node, key) =>
        (node as Record<string, unknown> | undefined)?.[
          key.replace(/~1/g, "/").replace(/~0/g, "~")
        ],
      value,
    );
}

/** Errors against the best-matching schema (none when one matches). */
function validate(c: SampleCase): string[] {
  const pointers = schemaPointers(c.op, c.role);
  if (pointers.length === 0)
    return [`${c.op.method.toUpperCase()} ${c.op.path} has no ${c.role} schema`];
  let best: string[] | undefined;
  for (const pointer of pointers) {
    const validator = validatorAt(pointer, { formats: c.formats });
    validator(c.value);
    // A truncated sample lost its later members: only their absence is forgiven. A shape-only
    // sample's "" placeholders stand for values: only their emptiness is forgiven.
    const errors = (validator.errors ?? []).filter(
      (e) =>
        !(c.truncated && e.keyword === "required") &&
        !(!c.formats && e.keyword === "minLength" && valueAt(c.value, e.instancePath) === ""),
    );
    const lines = describeErrors(errors).map((line) => `${line} (schema ${pointer})`);
    if (lines.length === 0) return [];
    if (!best || lines.length < best.length) best = lines;
  }
  return best ?? [];
}

describe("samples.json against the spec", () => {
  it("covers every endpoint of the spec that samples.json has a sample for", () => {
    const covered = new Set(cases.map((c) => `${c.op.method} ${c.op.path}`));
    for (const expected of [
      "post /connect/token",
      "get /v1/transaction-routes/assigned-routes",
      "get /api_health_check",
      "post /v1/bill-payments",
      "get /v1/bill-payments",
      "post /v1/bill-numbers",
      "get /v1/bill-numbers",
      "post /v1/payment-link/create-payment-link",
      "put /v1/payment-link/update-payment-link",
      "post /v1/payment-order/new-order",
      "post /v1/payment-order/reject-order",
    ]) {
      expect(covered, `samples for ${expected}`).toContain(expected);
    }
    expect(cases.length).toBeGreaterThanOrEqual(17);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s validates", (name, c) => {
    expect(validate(c), `sample "${name}"`).toEqual([]);
  });

  it("fails a sample with a wrong field, naming the sample and the field", () => {
    const good = cases.find((c) =>
      c.name.startsWith("POST /v1/bill-numbers › response_200_documented"),
    );
    expect(good).toBeDefined();
    const broken = structuredClone(good!.value) as { message: { lastKnownBalance: unknown } };
    broken.message.lastKnownBalance = "2697";
    const errors = validate({ ...good!, value: broken });
    expect(errors).toEqual([
      expect.stringContaining("/message/lastKnownBalance: must be number,null"),
    ]);
  });
});
