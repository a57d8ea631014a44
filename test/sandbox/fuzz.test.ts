/**
 * 10,000 malformed or random requests, each invalid by construction (unknown path, wrong method,
 * missing or bad token, bad JSON, wrong types, missing fields, oversized bodies, wrong media type,
 * missing query parameters). The sandbox answers every one with a 4xx and keeps serving.
 * Seeded: a failure names the seed and the request, so it can be replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOG_LIMIT } from "../../src/sandbox/settlement.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { at, operations, validatorAt, type JsonObject } from "../support/spec.js";

const TOTAL = 10_000;
const CONCURRENCY = 32;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

let sandbox: Sandbox;
let token: string;
beforeAll(async () => {
  sandbox = await startSandbox({ onError: (e) => console.error(e) });
  const { clientId, clientSecret, scope } = sandbox.credentials;
  const answer = await fetch(`${sandbox.url}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: clientSecret,
      grant_type: "client_credentials",
      scope,
    }),
  });
  token = ((await answer.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await sandbox.close();
});

const ops = operations();
const secured = ops.filter(
  (o) => !(Array.isArray(o.operation.security) && o.operation.security.length === 0),
);
const jsonBodied = ops.filter(
  (o) =>
    (o.operation.requestBody as JsonObject | undefined)?.content?.["application/json" as never],
);
/** Operations with a required query parameter: leaving it out must be refused. */
const withQuery = ops.filter((o) =>
  ((o.operation.parameters ?? []) as JsonObject[]).some((p) => {
    const parameter = (typeof p.$ref === "string" ? at(p.$ref.slice(1)) : p) as JsonObject;
    return parameter.in === "query" && parameter.required === true;
  }),
);
const knownPaths = new Set(ops.map((o) => o.path));

/** Example request bodies of an operation, from the spec. */
function examplesOf(op: (typeof ops)[number]): JsonObject[] {
  const examples = at(`${op.pointer}/requestBody/content/application~1json/examples`) as JsonObject;
  return Object.values(examples).map((e) => (e as { value: JsonObject }).value);
}

function generator(random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const text = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join("");
  const auth = { Authorization: `Bearer ${"x"}` };
  const wrongTyped = (value: unknown): unknown => {
    const options: unknown[] = [12345, true, [], { nested: text(5) }, null, text(8)];
    return pick(
      options.filter(
        (o) =>
          typeof o !== typeof value ||
          (value === null) !== (o === null) ||
          Array.isArray(o) !== Array.isArray(value),
      ),
    );
  };
  const bearer = () => ({ Authorization: `Bearer ${token}` });

  const kinds: (() => FuzzRequest)[] = [
    () => {
      let path = `/${pick(["v1/", "", "v2/", "api/"])}${encodeURIComponent(text(1 + Math.floor(random() * 30)))}`;
      if (knownPaths.has(path)) path += "-unknown";
      return {
        kind: "unknown path",
        method: pick(["GET", "POST", "PUT", "DELETE"]),
        path,
        headers: bearer(),
      };
    },
    () => {
      const op = pick(ops);
      const methods = ["GET", "POST", "PUT", "DELETE", "PATCH"].filter(
        (m) => !ops.some((o) => o.path === op.path && o.method === m.toLowerCase()),
      );
      return { kind: "wrong method", method: pick(methods), path: op.path, headers: bearer() };
    },
    () => {
      const op = pick(secured);
      return {
        kind: "no token",
        method: op.method.toUpperCase(),
        path: op.path,
        headers: { "Content-Type": "application/json" },
        body: "{}",
      };
    },
    () => {
      const op = pick(secured);
      const garbage = pick([
        `Bearer ${text(40)}`,
        text(20),
        "Bearer ",
        `Basic ${text(12)}`,
        `${auth.Authorization}${text(3)}`,
      ]);
      return {
        kind: "bad token",
        method: op.method.toUpperCase(),
        path: op.path,
        headers: { Authorization: garbage },
      };
    },
    () => {
      const op = pick(jsonBodied);
      const valid = JSON.stringify(pick(examplesOf(op)));
      const body = pick([
        text(Math.floor(random() * 200)),
        valid.slice(0, Math.floor(random() * valid.length)),
        "[".repeat(20000),
        '{"a":}',
      ]);
      return {
        kind: "bad JSON",
        method: op.method.toUpperCase(),
        path: op.path,
        headers: { ...bearer(), "Content-Type": "application/json" },
        body,
      };
    },
    () => {
      const op = pick(jsonBodied);
      const example = structuredClone(pick(examplesOf(op)));
      const keys = Object.keys(example);
      let key = pick(keys);
      let mutation = pick(["wrong type", "not an object", "wrong type"]);
      let body: unknown = pick([[], 42, "text", null, true]);
      if (mutation === "wrong type") {
        // A value of another JSON type, checked against the schema: some fields take two types
        // (a nullable string, a number or a numeric string), and the request must be invalid.
        const isValid = validatorAt(`${op.pointer}/requestBody/content/application~1json/schema`, {
          formats: true,
        });
        const candidates = Array.from({ length: 20 }, () => {
          const k = pick(keys);
          return [k, { ...example, [k]: wrongTyped(example[k]) }] as const;
        });
        const invalid = candidates.find(([, candidate]) => !isValid(candidate));
        if (invalid) [key, body] = invalid;
        else mutation = "not an object";
      }
      return {
        kind: `schema-invalid (${mutation} ${key})`,
        method: op.method.toUpperCase(),
        path: op.path,
        headers: { ...bearer(), "Content-Type": "application/json" },
        body: JSON.stringify(body),
      };
    },
    () => {
      const op = pick(jsonBodied);
      return {
        kind: "wrong media type",
        method: op.method.toUpperCase(),
        path: op.path,
        headers: {
          ...bearer(),
          "Content-Type": pick(["text/plain", "application/xml", "multipart/form-data"]),
        },
        body: JSON.stringify(pick(examplesOf(op))),
      };
    },
    () => {
      const op = pick(withQuery);
      return {
        kind: "missing query",
        method: op.method.toUpperCase(),
        path: op.path,
        headers: bearer(),
      };
    },
    () => {
      const form = new URLSearchParams();
      for (const field of ["client_id", "client_secret", "grant_type", "scope", text(4)])
        if (random() < 0.6) form.set(field, text(1 + Math.floor(random() * 30)));
      return {
        kind: "bad token request",
        method: "POST",
        path: "/connect/token",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      };
    },
  ];
  const oversized = (): FuzzRequest => {
    const op = pick(jsonBodied);
    return {
      kind: "oversized body",
      method: op.method.toUpperCase(),
      path: op.path,
      headers: { ...bearer(), "Content-Type": "application/json" },
      body: JSON.stringify({ huge: "9".repeat(1_100_000) }),
    };
  };
  return (i: number): FuzzRequest => (i % 500 === 0 ? oversized() : pick(kinds)());
}

describe("sandbox robustness", () => {
  it(`answers ${TOTAL} malformed requests with a 4xx, never a 5xx, and keeps serving (seed ${SEED})`, async () => {
    const next = generator(prng(SEED));
    const failures: string[] = [];
    const byKind = new Map<string, number>();
    let sent = 0;
    async function worker(): Promise<void> {
      while (sent < TOTAL) {
        const i = sent++;
        const request = next(i);
        const kind = request.kind.replace(/ \(.*/, "");
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
        let status: number;
        try {
          const answer = await fetch(`${sandbox.url}${request.path}`, {
            method: request.method,
            headers: request.headers,
            ...(request.body !== undefined && request.method !== "GET"
              ? { body: request.body }
              : {}),
            signal: AbortSignal.timeout(10_000),
          });
          await answer.arrayBuffer();
          status = answer.status;
        } catch (error) {
          status = -1;
          failures.push(
            `#${i} ${request.kind} ${request.method} ${request.path}: ${String(error)}`,
          );
          continue;
        }
        if (status < 400 || status > 499) {
          failures.push(
            `#${i} ${request.kind} ${request.method} ${request.path} → ${status} ${request.body?.slice(0, 200) ?? ""}`,
          );
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(
      failures.slice(0, 10),
      `seed ${SEED}: ${failures.length} requests not answered with a 4xx`,
    ).toEqual([]);
    // Every request logged (the log keeps at least the most recent LOG_LIMIT).
    expect(TOTAL + 1).toBeLessThanOrEqual(LOG_LIMIT * 1.1);
    expect(sandbox.requests.length).toBe(TOTAL + 1);
    expect(byKind.size).toBe(10);

    const health = await fetch(`${sandbox.url}/api_health_check`);
    expect([health.status, await health.text()]).toEqual([200, "Healthy"]);
    const services = await fetch(`${sandbox.url}/v1/bill-services`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(services.status).toBe(200);
  }, 120_000);
});
