/**
 * 10,000 random and mutated callback payloads: the parser returns a typed event or throws a
 * CallbackError, nothing else — and accepts exactly what ajv accepts against the spec's schema.
 */
import { describe, expect, it } from "vitest";
import { isCallbackError, parseBillPaymentCallback } from "../../src/index.js";
import { at, describeErrors, validatorAt } from "../support/spec.js";

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const CALLBACK =
  "/paths/~1v1~1bill-payments/post/callbacks/billPaymentResult/{$request.body#~1callBackUrl}/post/requestBody/content/application~1json";
const example = (at(`${CALLBACK}/examples/completed`) as { value: Record<string, unknown> }).value;
const specSchema = validatorAt(`${CALLBACK}/schema`);

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("callback fuzz", () => {
  it(`10,000 payloads give only typed events or CallbackError, agreeing with ajv (seed ${SEED})`, () => {
    const random = prng(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const text = (n: number) =>
      Array.from({ length: n }, () => String.fromCharCode(Math.floor(random() * 0x250))).join("");
    const value = (depth = 0): unknown =>
      pick([
        () => null,
        () => random() < 0.5,
        () => Math.floor(random() * 2000) - 1000,
        () => random() * 1e6,
        () => text(Math.floor(random() * 120)),
        () =>
          depth < 3 ? Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1)) : [],
        () => (depth < 3 ? { [text(5)]: value(depth + 1) } : {}),
      ])();
    const keys = Object.keys(example);
    const payload = (): unknown => {
      const kind = random();
      if (kind < 0.1) return text(Math.floor(random() * 60)); // raw garbage text
      if (kind < 0.2) return value();
      const mutated: Record<string, unknown> = structuredClone(example);
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        const key = pick([...keys, text(4)]);
        const action = random();
        if (action < 0.3) delete mutated[key];
        else if (action < 0.8) mutated[key] = value();
        else mutated[key] = example[pick(keys)];
      }
      return kind < 0.6 ? JSON.stringify(mutated) : mutated;
    };

    let accepted = 0;
    let rejected = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const raw = payload();
      let parsed: unknown;
      try {
        parsed = parseBillPaymentCallback(raw);
        accepted++;
      } catch (error) {
        expect(isCallbackError(error), `#${i} threw ${String(error)}`).toBe(true);
        rejected++;
      }
      let json: unknown;
      let isJson = true;
      try {
        json = typeof raw === "string" ? JSON.parse(raw) : raw;
      } catch {
        isJson = false;
      }
      const ajvAccepts = isJson && specSchema(json);
      if (ajvAccepts !== (parsed !== undefined)) {
        disagreements.push(
          `#${i} ajv ${ajvAccepts ? "accepts" : `rejects (${describeErrors(specSchema.errors).join("; ")})`}: ${JSON.stringify(raw).slice(0, 200)}`,
        );
      }
    }
    expect(disagreements.slice(0, 5), `seed ${SEED}`).toEqual([]);
    expect(accepted).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(5000);
  });
});
