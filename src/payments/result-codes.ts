/**
 * The API's transaction result codes (the "Error Codes" table of the documentation, newest rule
 * for each code) and what to do about each.
 */

/** What to do after a transaction ended with a result code. */
export type ResultAction =
  /** It succeeded. */
  | "none"
  /** It failed and was recorded: try again, but with a NEW originatorConversationId. */
  | "retry-with-new-id"
  /** It was not found: resending with the SAME originatorConversationId is safe. */
  | "retry-with-same-id"
  /** Look the transaction up by its originatorConversationId before anything else. */
  | "requery"
  /** The outcome is inconclusive: wait for the callback, then reconcile. */
  | "reconcile"
  /** A permanent failure: do not try again. */
  | "do-not-retry"
  /** Unknown to the mapping: a person has to look. */
  | "manual-review";

export interface ResultCodeInfo {
  readonly code: number;
  readonly meaning: string;
  readonly action: ResultAction;
}

export const RESULT_CODES = {
  0: { meaning: "Success", action: "none" },
  [-1]: { meaning: "Transaction timeout", action: "retry-with-new-id" },
  1: { meaning: "Insufficient funds", action: "retry-with-new-id" },
  2: { meaning: "Transfer limit exceeded", action: "do-not-retry" },
  3: { meaning: "Internal server error", action: "retry-with-new-id" },
  4: { meaning: "Third-party internal server error", action: "retry-with-new-id" },
  5: { meaning: "Invalid debit account", action: "do-not-retry" },
  6: { meaning: "Invalid credit account", action: "do-not-retry" },
  7: { meaning: "Transfer amount below limit", action: "do-not-retry" },
  8: { meaning: "Invalid transaction or element", action: "do-not-retry" },
  9: { meaning: "Duplicate transaction", action: "requery" },
  10: { meaning: "Server busy", action: "retry-with-new-id" },
  11: { meaning: "Transaction not found", action: "retry-with-same-id" },
  12: { meaning: "General error", action: "do-not-retry" },
  13: { meaning: "Third-party general failure", action: "do-not-retry" },
  14: { meaning: "Inconclusive status", action: "reconcile" },
  15: { meaning: "Insufficient wallet balance", action: "retry-with-new-id" },
  16: { meaning: "Third-party system unavailable", action: "do-not-retry" },
  17: { meaning: "AML check failure", action: "do-not-retry" },
  18: { meaning: "Declined", action: "do-not-retry" },
  19: { meaning: "Validation failed", action: "do-not-retry" },
  20: { meaning: "Third-party integration error", action: "retry-with-new-id" },
  21: { meaning: "Unmapped code", action: "manual-review" },
  22: { meaning: "Partner timeout", action: "retry-with-new-id" },
  999: { meaning: "Generic system failure", action: "retry-with-new-id" },
} as const satisfies Record<number, { meaning: string; action: ResultAction }>;

/** A documented result code. */
export type ResultCode = keyof typeof RESULT_CODES;

/**
 * What a result code means and what to do about it. Codes arrive as numbers or strings ("0",
 * "000"); a code the table does not know gets `manual-review`.
 */
export function describeResultCode(code: number | string): ResultCodeInfo {
  const value = typeof code === "number" ? code : Number(code.trim());
  const known = Number.isInteger(value)
    ? (RESULT_CODES as Record<number, { meaning: string; action: ResultAction }>)[value]
    : undefined;
  if (known) return { code: value, ...known };
  return {
    code: Number.isInteger(value) ? value : NaN,
    meaning: `Unknown result code ${String(code)}`,
    action: "manual-review",
  };
}
