/**
 * The SDK's one error hierarchy. HTTP errors from the API stay `{ error }` values, as in
 * openapi-fetch; these classes are thrown for transport failures, token failures and by `unwrap()`.
 * Nothing here ever holds the client secret or an access token (see redact.ts). Guards compare the
 * literal kind (base.ts), so they hold across realms, bundles and minifiers.
 */
import { kindOf, type AlmaraPayErrorKind } from "./base.js";
import type { ApiError, DuplicateIdError } from "./api-error.js";
import type {
  AmbiguousOutcomeError,
  AuthenticationError,
  CallbackError,
  UnconfirmedCallbackError,
} from "./other-errors.js";
import type { InvalidResponseError, NetworkError, TimeoutError } from "./transport-errors.js";
import type { AlmaraPayError } from "./base.js";

export { AlmaraPayError, kindOf } from "./base.js";
export type { AlmaraPayErrorKind, AlmaraPayErrorOptions } from "./base.js";
export { ApiError, DuplicateIdError, statusLine } from "./api-error.js";
export type { ApiErrorInit } from "./api-error.js";
export { isDuplicateIdBody, parseErrorBody } from "./error-body.js";
export type { ApiErrorKind } from "./error-body.js";
export { InvalidResponseError, NetworkError, TimeoutError } from "./transport-errors.js";
export {
  AmbiguousOutcomeError,
  AuthenticationError,
  CallbackError,
  UnconfirmedCallbackError,
} from "./other-errors.js";
export type { CallbackState } from "./other-errors.js";

const is =
  <T>(kind: AlmaraPayErrorKind) =>
  (value: unknown): value is T =>
    kindOf(value) === kind;

/** True for any error the SDK throws, from any realm or bundle. */
export function isAlmaraPayError(value: unknown): value is AlmaraPayError {
  return kindOf(value) !== undefined;
}
/** True for an `ApiError`, from any realm or bundle. */
export const isApiError = is<ApiError>("ApiError");
/** True for a `DuplicateIdError`, from any realm or bundle. */
export const isDuplicateIdError = is<DuplicateIdError>("DuplicateIdError");
/** True for an `AuthenticationError`, from any realm or bundle. */
export const isAuthenticationError = is<AuthenticationError>("AuthenticationError");
/** True for a `NetworkError`, from any realm or bundle. */
export const isNetworkError = is<NetworkError>("NetworkError");
/** True for a `TimeoutError`, from any realm or bundle. */
export const isTimeoutError = is<TimeoutError>("TimeoutError");
/** True for an `InvalidResponseError`, from any realm or bundle. */
export const isInvalidResponseError = is<InvalidResponseError>("InvalidResponseError");
/** True for an `AmbiguousOutcomeError`, from any realm or bundle. */
export const isAmbiguousOutcomeError = is<AmbiguousOutcomeError>("AmbiguousOutcomeError");
/** True for a `CallbackError`, from any realm or bundle. */
export const isCallbackError = is<CallbackError>("CallbackError");
/**
 * True for an `UnconfirmedCallbackError`, from any realm or bundle.
 *
 * @example
 * if (isUnconfirmedCallbackError(error)) return response.writeHead(500).end(); // not acted on
 */
export const isUnconfirmedCallbackError = is<UnconfirmedCallbackError>("UnconfirmedCallbackError");
