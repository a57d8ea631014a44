/**
 * The samples on the original documentation pages (test/contract/fixtures/seeds) validate against the spec:
 * each page's curl request body and its response example, read from the page text itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "../support/fixtures-dir.js";
import { describeErrors, findOperation, validatorAt } from "../support/spec.js";

interface SeedSample {
  page: string;
  method: string;
  path: string;
  request: Record<string, unknown>;
  response: unknown;
}

function readSeed(file: string): SeedSample {
  const text = readFileSync(join(fixturesDir, "seeds", file), "utf8");
  const endpoint = /^(GET|POST|PUT)\n(\/\S*)$/m.exec(text);
  if (!endpoint) throw new Error(`${file}: no endpoint line`);
  const raw = /--data-raw '([\s\S]*?)'\n/.exec(text);
  const form = [...text.matchAll(/--data-urlencode '([^=]+)=([^']*)'/g)];
  const request = raw
    ? (JSON.parse(raw[1]!) as Record<string, unknown>)
    : Object.fromEntries(form.map((m) => [m[1]!, m[2]!]));
  const response = /Response Response Example\n([\s\S]*?)\nModified at/.exec(text);
  if (!response) throw new Error(`${file}: no response example`);
  return {
    page: file,
    method: endpoint[1]!.toLowerCase(),
    path: endpoint[2]!,
    request,
    response: JSON.parse(response[1]!),
  };
}

const seeds = readdirSync(join(fixturesDir, "seeds"))
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map(readSeed);

function mediaSchema(pointer: string, type: string): string {
  return `${pointer}/content/${type.replace(/\//g, "~1")}/schema`;
}

describe("the documentation pages' samples against the spec", () => {
  it("reads the three seed pages", () => {
    expect(seeds.map((s) => `${s.method} ${s.path}`)).toEqual([
      "post /connect/token",
      "post /v1/bill-payments",
      "post /v1/payment-link/create-payment-link",
    ]);
    for (const seed of seeds) expect(Object.keys(seed.request).length).toBeGreaterThan(3);
  });

  describe.each(seeds.map((s) => [`${s.method.toUpperCase()} ${s.path} (${s.page})`, s] as const))(
    "%s",
    (_, seed) => {
      const op = findOperation(seed.method, seed.path);

      it("is an operation of the spec", () => {
        expect(op, `${seed.method} ${seed.path}`).toBeDefined();
      });

      it("request body validates", () => {
        const type =
          seed.path === "/connect/token" ? "application/x-www-form-urlencoded" : "application/json";
        const validate = validatorAt(mediaSchema(`${op!.pointer}/requestBody`, type));
        validate(seed.request);
        expect(describeErrors(validate.errors), `seed ${seed.page} request`).toEqual([]);
      });

      it("response example validates against the 200 response", () => {
        const validate = validatorAt(
          mediaSchema(`${op!.pointer}/responses/200`, "application/json"),
        );
        validate(seed.response);
        expect(describeErrors(validate.errors), `seed ${seed.page} response`).toEqual([]);
      });

      it("is one of the operation's examples, verbatim", () => {
        const type =
          seed.path === "/connect/token" ? "application/x-www-form-urlencoded" : "application/json";
        const content = op!.operation as {
          requestBody: {
            content: Record<string, { examples: Record<string, { value: unknown }> }>;
          };
          responses: Record<
            string,
            { content: Record<string, { examples: Record<string, { value: unknown }> }> }
          >;
        };
        const requests = Object.values(content.requestBody.content[type]!.examples).map(
          (e) => e.value,
        );
        const responses = Object.values(
          content.responses["200"]!.content["application/json"]!.examples,
        ).map((e) => e.value);
        expect(requests).toContainEqual(seed.request);
        expect(responses).toContainEqual(seed.response);
      });
    },
  );
});
