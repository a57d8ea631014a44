/**
 * The base of every error the SDK throws, and its identity. Identity is a literal kind stored under
 * a `Symbol.for` key: it survives minifiers (which rename classes, so `new.target.name` would read
 * `ut`), bundles that each carry their own copy of the SDK, and realms.
 */
import { redactCause, redactText } from "../secrets/redact.js";

/** Where an error keeps its kind; `Symbol.for` makes it the same key in every realm and bundle. */
export const KIND = Symbol.for("almara-pay.error.kind");

/** The literal kind of each error class (also its `name`). */
export type AlmaraPayErrorKind =
  | "AlmaraPayError"
  | "ApiError"
  | "DuplicateIdError"
  | "AuthenticationError"
  | "NetworkError"
  | "TimeoutError"
  | "InvalidResponseError"
  | "AmbiguousOutcomeError"
  | "CallbackError"
  | "UnconfirmedCallbackError";

export interface AlmaraPayErrorOptions {
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class AlmaraPayError extends Error {
  /** The class's literal kind; each subclass declares its own. */
  static readonly kind: AlmaraPayErrorKind = "AlmaraPayError";
  declare readonly [KIND]: AlmaraPayErrorKind;

  constructor(message: string, options: AlmaraPayErrorOptions = {}) {
    super(redactText(message));
    // Static properties keep their names through minification; the class name does not.
    const declared: unknown = Reflect.get(new.target, "kind");
    const kind = typeof declared === "string" ? (declared as AlmaraPayErrorKind) : "AlmaraPayError";
    Object.defineProperty(this, KIND, { value: kind });
    Object.defineProperty(this, "name", { value: kind, enumerable: false, configurable: true });
    if ("cause" in options) {
      Object.defineProperty(this, "cause", {
        value: redactCause(options.cause),
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }

  /** What `JSON.stringify` shows: the name, the message and the error's own fields. */
  toJSON(): Record<string, unknown> {
    const fields = { ...this } as Record<string, unknown>;
    return { name: this.name, message: this.message, ...fields };
  }
}

/** The kind of an SDK error from any realm or bundle, or undefined for anything else. */
export function kindOf(value: unknown): AlmaraPayErrorKind | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  let kind: unknown;
  try {
    kind = (value as { [KIND]?: unknown })[KIND];
  } catch {
    return undefined; // a Proxy whose trap throws is no error of the SDK's
  }
  return typeof kind === "string" ? (kind as AlmaraPayErrorKind) : undefined;
}
