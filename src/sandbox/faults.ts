/**
 * Fault injection: make the next N requests to an operation misbehave. Every fault that answers
 * takes `after: true` to answer only once the request has been handled (the transaction is then
 * recorded, and only its answer goes wrong); without it the request is answered before anything
 * happens.
 */

export type Fault =
  /** Answer this status (and body). */
  | { status: number; retryAfter?: number; body?: unknown; after?: boolean }
  /**
   * Hold the request this long, then handle it and answer as usual: longer than a client's
   * timeout, the request is processed after the client gave up. `releaseHangs()` ends the holds.
   */
  | { hangMs: number }
  /** Destroy the connection: `before` handling (nothing happened) or `after` (it did). */
  | { reset: "before" | "after" }
  /** Answer 200 with JSON cut off in the middle. */
  | { malformed: true; after?: boolean }
  /** Answer an HTML error page with this status. */
  | { html: number; after?: boolean }
  /** Answer 200 with an empty body, labelled JSON unless `contentType` is `null` (no label). */
  | { empty: true; contentType?: null; after?: boolean }
  /** Answer this text with this content type (`null`: none) and status (default 200). */
  | { raw: string; contentType: string | null; status?: number; after?: boolean }
  /** Answer 200 with a JSON-looking body of this many bytes, streamed with no declared length. */
  | { oversized: number; after?: boolean };

/** The kinds of fault, one per variant (each named by its distinguishing key). */
export type FaultKind =
  "status" | "hangMs" | "reset" | "malformed" | "html" | "empty" | "raw" | "oversized";

/** The keys each kind of fault takes (its distinguishing key first). */
export const FAULT_KEYS: Readonly<Record<FaultKind, readonly string[]>> = {
  hangMs: ["hangMs"],
  reset: ["reset"],
  malformed: ["malformed", "after"],
  html: ["html", "after"],
  empty: ["empty", "contentType", "after"],
  raw: ["raw", "contentType", "status", "after"],
  oversized: ["oversized", "after"],
  // Last: a `raw` fault has a `status` too.
  status: ["status", "retryAfter", "body", "after"],
};

/** Which kind of fault this is. */
export function faultKind(fault: Fault): FaultKind {
  for (const kind of Object.keys(FAULT_KEYS) as FaultKind[]) {
    if (kind !== "status" && kind in fault) return kind;
  }
  return "status";
}

interface Armed {
  fault: Fault;
  remaining: number;
}

export class Faults {
  readonly #armed = new Map<string, Armed[]>();

  /** Arms `fault` for the next `times` requests to the operation (`operationId` or `"POST /v1/…"`). */
  inject(operation: string, fault: Fault, times = 1): void {
    if (!Number.isInteger(times) || times < 1)
      throw new RangeError("times must be a positive integer");
    const list = this.#armed.get(operation) ?? [];
    list.push({ fault, remaining: times });
    this.#armed.set(operation, list);
  }

  /** The fault for this request, if one is armed; counts it down. */
  take(operationId: string, methodAndPath: string): Fault | undefined {
    for (const key of [operationId, methodAndPath]) {
      const list = this.#armed.get(key);
      const armed = list?.[0];
      if (!list || !armed) continue;
      armed.remaining -= 1;
      if (armed.remaining === 0) list.shift();
      return armed.fault;
    }
    return undefined;
  }

  clear(): void {
    this.#armed.clear();
  }
}

/** Holds requests (the `hangMs` fault) so that they can all be let go at once, or on close. */
export class Hangs {
  readonly #held = new Map<ReturnType<typeof setTimeout>, () => void>();

  /** Resolves after `ms`, or as soon as `releaseAll` is called. */
  hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#held.delete(timer);
        resolve();
      }, ms);
      this.#held.set(timer, resolve);
    });
  }

  releaseAll(): void {
    for (const [timer, resolve] of this.#held) {
      clearTimeout(timer);
      resolve();
    }
    this.#held.clear();
  }
}
