/**
 * The spec has an operation for every entry of the documented endpoint index
 * (test/contract/fixtures/endpoint-index.md), except the card server-to-server section, whose
 * paths are unknown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "../support/fixtures-dir.js";
import { findOperation, spec, type JsonObject } from "../support/spec.js";

const reference = readFileSync(join(fixturesDir, "endpoint-index.md"), "utf8");
const index = reference.slice(reference.indexOf("## Index"), reference.indexOf("### Sources"));
const rows = [...index.matchAll(/^\| (\d+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => ({
  n: Number(m[1]),
  group: m[2]!.trim(),
  method: m[3]!.trim(),
  path: m[4]!.trim(),
}));

/** Entries whose path the index does not give, and the operation the spec gives them. */
const PATH_CHOSEN: Record<number, string> = { 26: "/v1/airtime-purchase/check-status" };
/** Callback entries, and the spec's callback for each. */
const CALLBACKS: Record<number, string> = { 17: "expressDepositResult", 20: "checkoutResult" };
/** Entries the spec cannot describe, and why. */
const NOT_DESCRIBED: Record<number, string> = { 29: "card server-to-server: no paths are known" };

function callbackNames(): string[] {
  return Object.values(spec.paths as JsonObject).flatMap((item) =>
    Object.values(item as JsonObject).flatMap((op) =>
      Object.keys(((op as JsonObject).callbacks as JsonObject | undefined) ?? {}),
    ),
  );
}

describe("coverage of the API reference's endpoint index", () => {
  it("reads the index", () => {
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
  });

  it.each(rows.filter((r) => !(r.n in NOT_DESCRIBED)))(
    "#$n $group $method $path",
    ({ n, method, path }) => {
      if (n in CALLBACKS) {
        expect(callbackNames()).toContain(CALLBACKS[n]);
        return;
      }
      const chosen = PATH_CHOSEN[n] ?? /`([^`?]+)/.exec(path)?.[1];
      expect(chosen, `entry #${n} names no path`).toBeDefined();
      expect(findOperation(method.toLowerCase(), chosen!), `${method} ${chosen}`).toBeDefined();
    },
  );
});
