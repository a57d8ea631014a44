import { describe, expect, it } from "vitest";
import {
  describeErrors,
  pointerSegment,
  spec,
  validatorAt,
  type Json,
  type JsonObject,
} from "../support/spec.js";

interface ExampleCase {
  /** Where the example is, as a JSON Pointer. */
  where: string;
  /** The schema it must satisfy. */
  schemaPointer: string;
  value: Json;
}

/** Every example in the bundled spec: media types, parameters, headers and schemas. */
function collectExamples(node: Json, pointer: string, out: ExampleCase[]): ExampleCase[] {
  if (node === null || typeof node !== "object") return out;
  if (Array.isArray(node)) {
    node.forEach((child, i) => collectExamples(child, `${pointer}/${i}`, out));
    return out;
  }
  const hasSchema = typeof node.schema === "object" && node.schema !== null;
  if (
    hasSchema &&
    node.examples &&
    typeof node.examples === "object" &&
    !Array.isArray(node.examples)
  ) {
    for (const [name, example] of Object.entries(node.examples)) {
      const value = (example as JsonObject).value;
      if (value === undefined) throw new Error(`${pointer}/examples/${name} has no value`);
      out.push({ where: `${pointer}/examples/${name}`, schemaPointer: `${pointer}/schema`, value });
    }
  }
  if (hasSchema && "example" in node) {
    out.push({
      where: `${pointer}/example`,
      schemaPointer: `${pointer}/schema`,
      value: node.example!,
    });
  }
  if (Array.isArray(node.examples)) {
    node.examples.forEach((value, i) =>
      out.push({ where: `${pointer}/examples/${i}`, schemaPointer: pointer, value }),
    );
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === "examples" || key === "example") continue;
    collectExamples(child, `${pointer}/${pointerSegment(key)}`, out);
  }
  return out;
}

const examples = collectExamples(spec, "", []);

describe("every example in the spec", () => {
  it("finds the examples of every operation and schema", () => {
    // A walker that found nothing would make the tests below vacuous.
    expect(examples.length).toBeGreaterThan(40);
    const where = examples.map((e) => e.where);
    expect(where).toContain(
      "/paths/~1v1~1bill-payments/post/requestBody/content/application~1json/examples/validation",
    );
    expect(where).toContain("/components/schemas/Msisdn/examples/0");
  });

  it.each(examples.map((e) => [e.where, e] as const))("%s validates against its schema", (_, e) => {
    const validate = validatorAt(e.schemaPointer);
    const valid = validate(e.value);
    expect(describeErrors(validate.errors), `example ${e.where}`).toEqual([]);
    expect(valid).toBe(true);
  });
});
