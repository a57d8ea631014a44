/**
 * The bundled spec at run time, its operations, and the request validators precompiled from it
 * by `npm run generate` (src/generated/request-validators.ts: no validator library at run time).
 * The sandbox checks every request against them.
 */
// Imported, not read from disk: the package build inlines it into the ESM and CJS sandbox alike.
import bundledSpec from "../generated/openapi.json" with { type: "json" };
import { validators } from "../generated/request-validators.js";
import {
  specWalker,
  type JsonObject,
  type RequestValidator,
  type ValidationError,
} from "./spec-walk.js";

export type { JsonObject, Operation, RequestValidator, ValidationError } from "./spec-walk.js";
export { pointerSegment } from "./spec-walk.js";

export const spec = bundledSpec as JsonObject;

const walker = specWalker(spec);
export const { resolvePointer, at, operations, findOperation, branchFor, bodyOf, queryOf } = walker;

/** The precompiled validator for the schema at a JSON Pointer of the spec. */
export function validatorAt(pointer: string): RequestValidator {
  const validate = (validators as Record<string, RequestValidator | undefined>)[pointer];
  if (!validate) throw new Error(`No precompiled validator for ${pointer} (run npm run generate)`);
  return validate;
}

export type ErrorObject = ValidationError;
