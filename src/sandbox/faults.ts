/** Fault injection: make the next N requests to an operation misbehave. */

export type Fault =
  /** Answer this status (and body); with `after`, only once the request has been handled. */
  | { status: number; retryAfter?: number; body?: unknown; after?: boolean }
  /** Hold the answer for this long (longer than a client's timeout, to time it out). */
  | { hangMs: number }
  /** Destroy the connection: `before` handling (nothing happened) or `after` (it did). */
  | { reset: "before" | "after" }
  /** Answer 200 with a body that is not JSON. */
  | { malformed: true }
  /** Answer an HTML error page with this status. */
  | { html: number }
  /** Answer 200 with an empty body. */
  | { empty: true };

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
