/**
 * Pending payments settle after a delay and their callbacks are delivered: POSTed over the
 * network to allowed hosts only (never following a redirect, which could lead anywhere), or
 * handed to the `deliverCallback` function. Every timer is tracked, so that closing leaves none.
 */
import type { Callback } from "./handlers/index.js";
import type { CallbackDelivery } from "./types.js";

/** The entries a log keeps at least (the oldest go first, a tenth more at the most). */
export const LOG_LIMIT = 10_000;

/** Appends to a bounded log: it keeps the most recent LOG_LIMIT entries, and at most a tenth more. */
export function logEntry<T>(log: T[], entry: T): T {
  log.push(entry);
  // Trimmed a thousand at a time: trimming one entry per request moved the whole log each time.
  if (log.length > LOG_LIMIT + LOG_LIMIT / 10) log.splice(0, log.length - LOG_LIMIT);
  return entry;
}

export interface SettlementOptions {
  settleDelayMs: number;
  callbackHosts: ReadonlySet<string>;
  deliverCallback: ((request: Request) => Response | Promise<Response>) | undefined;
  callbacks: CallbackDelivery[];
  /** Told of a failure while settling (it never escapes from a timer). */
  onError: (error: unknown) => void;
}

export class Settlements {
  readonly #options: SettlementOptions;
  readonly #pending = new Map<
    object,
    { timer: ReturnType<typeof setTimeout>; settle: () => Promise<void> }
  >();
  readonly #deliveries = new Set<Promise<void>>();

  constructor(options: SettlementOptions) {
    this.#options = options;
  }

  /**
   * After the settle delay, runs `settle` (which applies the outcome) and delivers the callbacks
   * it returns, one after the other. `key` identifies what is pending.
   */
  schedule(key: object, settle: () => Callback | readonly Callback[] | undefined): void {
    const run = async () => {
      clearTimeout(this.#pending.get(key)?.timer);
      if (!this.#pending.delete(key)) return; // settled already, or stopped
      const settled = settle() ?? [];
      const inOrder = "length" in settled ? settled : [settled];
      const delivery = inOrder.reduce<Promise<void>>(
        (previous, callback) => previous.then(() => this.#deliver(callback)),
        Promise.resolve(),
      );
      this.#deliveries.add(delivery);
      await delivery.finally(() => this.#deliveries.delete(delivery));
    };
    this.#pending.set(key, {
      timer: setTimeout(() => void run().catch(this.#options.onError), this.#options.settleDelayMs),
      settle: run,
    });
  }

  /** Forgets a pending settlement (a payout that was stopped). */
  cancel(key: object): void {
    clearTimeout(this.#pending.get(key)?.timer);
    this.#pending.delete(key);
  }

  /** Settles everything pending now and waits for the callbacks. */
  async settleAll(): Promise<void> {
    await Promise.all([...this.#pending.values()].map((p) => p.settle()));
    await Promise.all([...this.#deliveries]);
  }

  /** Drops what is pending (its timers cleared) and waits for deliveries under way. */
  async close(): Promise<void> {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
    await Promise.all([...this.#deliveries]);
  }

  async #deliver(callback: Callback): Promise<void> {
    const { url } = callback;
    if (!url) return;
    const entry = logEntry(this.#options.callbacks, {
      url,
      originatorConversationId: callback.originatorConversationId,
    } as CallbackDelivery);
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      entry.error = "the callback URL is not a URL";
      return;
    }
    let payload: string;
    try {
      payload = JSON.stringify(callback.body);
    } catch (error) {
      entry.error = `the callback could not be written: ${String(error)}`;
      return;
    }
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error("timed out after 5 s")), 5000);
    const init: RequestInit = {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: payload,
      // A redirect could lead past callbackHosts: the API's answer is the receiver's answer.
      redirect: "manual",
      signal: timeout.signal,
    };
    const { deliverCallback } = this.#options;
    const host = target.host.replace(/:\d+$/, "");
    if (!deliverCallback && !this.#options.callbackHosts.has(host)) {
      clearTimeout(timer);
      entry.error = `host ${host} is not in callbackHosts`;
      return;
    }
    try {
      // A receiver that never answers is given up on after 5 s, a function as much as a URL.
      const answer = await new Promise<Response>((resolve, reject) => {
        timeout.signal.addEventListener("abort", () => reject(timeout.signal.reason), {
          once: true,
        });
        Promise.resolve()
          .then(() =>
            deliverCallback ? deliverCallback(new Request(target, init)) : fetch(target, init),
          )
          .then(resolve, reject);
      });
      entry.status = answer.status;
      await answer.body?.cancel().catch(() => undefined);
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
