/**
 * Processing each callback delivery once. The API sends a callback again when it gets no 200 (and
 * may send it twice anyway), and several instances of your server may receive copies at the same
 * time: a guard lets exactly one of them act on a delivery key, keeps the key done for a while,
 * and frees it again when acting failed, so a redelivery can do the work (nothing is lost).
 */
import { checkOptionKeys } from "../client/option-checks.js";

/**
 * What a claim on a delivery key got.
 *
 * @example
 * const claim: DeliveryClaim = await guard.claim(key);
 * if (claim.status === "claimed") await guard.release(key, claim.token);
 */
export type DeliveryClaim =
  /** This caller holds the key: act, then `complete` (or `release` if acting failed). */
  | { status: "claimed"; token: string }
  /** The key was processed already. */
  | { status: "duplicate" }
  /** Another caller holds the key and is processing it now. */
  | { status: "in-progress" };

/**
 * Where delivery keys are claimed: memory (`createMemoryDeliveryGuard`, one process) or Redis
 * (`createRedisDeliveryGuard` from `almara-pay/redis`, every process). Each guard decides how long
 * a claim is held (its lease: a claimant that dies lets go when it ends) and how long a done key
 * is remembered.
 *
 * @example
 * const guard: CallbackDeliveryGuard = createMemoryDeliveryGuard();
 * const claim = await guard.claim("bill-payment:6b1f…:completed");
 * if (claim.status === "claimed") await guard.complete("bill-payment:6b1f…:completed", claim.token);
 */
export interface CallbackDeliveryGuard {
  /** Claims `key` for the lease, unless it is done or held by another claim. */
  claim(key: string): Promise<DeliveryClaim>;
  /** Marks `key` done, for the guard's `ttlMs` (whoever holds it now). */
  complete(key: string, token: string): Promise<void>;
  /** Frees `key` if the claim `token` still holds it, so the next delivery processes it. */
  release(key: string, token: string): Promise<void>;
  /**
   * Extends the claim `token` on `key` by another lease, while it still holds it (false when it
   * does not). `processOnce` renews every third of `leaseMs` while the handler runs, so a slow
   * handler keeps its claim and only a claimant that died lets go.
   */
  renew?(key: string, token: string): Promise<boolean>;
  /** How long a claim is held without renewal, in milliseconds. */
  readonly leaseMs?: number;
}

/**
 * What `processOnce` did with a delivery.
 *
 * @example
 * const result: ProcessOnceResult<void> = await processOnce(guard, key, handler);
 * response.writeHead(result.processed || result.reason === "duplicate" ? 200 : 503).end();
 */
export type ProcessOnceResult<T> =
  /** This delivery was processed: `value` is what the handler returned. */
  | { processed: true; value: T }
  /** It was not: processed before (`duplicate`), or being processed now (`in-progress`). */
  | { processed: false; reason: "duplicate" | "in-progress" };

/**
 * A week: longer than any redelivery schedule.
 *
 * @example
 * createMemoryDeliveryGuard({ ttlMs: 2 * DEFAULT_DELIVERY_TTL_MS });
 */
export const DEFAULT_DELIVERY_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Five minutes: how long a claim is held if its handler neither finishes nor fails.
 *
 * @example
 * createMemoryDeliveryGuard({ leaseMs: 2 * DEFAULT_DELIVERY_LEASE_MS }); // slow handlers
 */
export const DEFAULT_DELIVERY_LEASE_MS = 5 * 60 * 1000;

/**
 * Runs `handler` once per delivery key across every caller sharing `guard`. A duplicate is not
 * run (answer 200: it was processed), nor is a key another caller is processing now (answer 503,
 * so that the API asks again: the other may still fail).
 * When the handler throws, the claim is released and the error rethrown, so a redelivery
 * processes the key; when it returns, the key stays done for the guard's `ttlMs`. A failing guard
 * (Redis down) throws before the handler runs: answer 5xx so that the API sends it again. If
 * marking the key done fails after the handler succeeded, that error is thrown: the work is done,
 * but a redelivery after the lease may do it again — so keep the handler's effect idempotent too
 * (a unique constraint on the transaction's id, say).
 *
 * @example
 * const guard = createMemoryDeliveryGuard();
 * const result = await processOnce(guard, callbackKey("bill-payment", event), async () => {
 *   const outcome = await confirmBillPaymentCallback(pay, event);
 *   if (outcome.state === "completed") await markPaid(outcome.record);
 * });
 * if (!result.processed) console.log(`skipped: ${result.reason}`);
 */
export async function processOnce<T>(
  guard: CallbackDeliveryGuard,
  key: string,
  handler: () => T | Promise<T>,
): Promise<ProcessOnceResult<Awaited<T>>> {
  for (const method of ["claim", "complete", "release"] as const) {
    if (typeof guard?.[method] !== "function") {
      throw new TypeError(`almara-pay: processOnce guard needs a ${method}() method`);
    }
  }
  checkKey("processOnce", key);
  if (typeof handler !== "function") {
    throw new TypeError("almara-pay: processOnce handler must be a function");
  }
  const claim = await guard.claim(key);
  if (claim.status !== "claimed") return { processed: false, reason: claim.status };
  const stopRenewing = keepClaim(guard, key, claim.token);
  let value: Awaited<T>;
  try {
    value = await handler();
  } catch (error) {
    stopRenewing();
    // Best effort: if the release fails too, the lease runs out and frees the key all the same.
    await Promise.resolve()
      .then(() => guard.release(key, claim.token))
      .catch(() => undefined);
    throw error;
  }
  stopRenewing();
  await guard.complete(key, claim.token);
  return { processed: true, value };
}

/**
 * Renews a claim every third of the guard's lease while a handler runs (guards that can renew);
 * returns the function that stops it. A failed renewal is not fatal: the lease still runs.
 */
function keepClaim(guard: CallbackDeliveryGuard, key: string, token: string): () => void {
  const leaseMs = guard.leaseMs;
  if (typeof guard.renew !== "function" || typeof leaseMs !== "number" || !(leaseMs >= 3)) {
    return () => undefined;
  }
  const timer = setInterval(
    () => {
      void Promise.resolve()
        .then(() => guard.renew!(key, token))
        .catch(() => undefined);
    },
    Math.floor(leaseMs / 3),
  );
  // A pending renewal must not keep a process alive that has nothing else to do.
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}

/**
 * Options of `createMemoryDeliveryGuard`.
 *
 * @example
 * const options: MemoryDeliveryGuardOptions = { ttlMs: 24 * 60 * 60 * 1000, maxEntries: 10_000 };
 */
export interface MemoryDeliveryGuardOptions {
  /** How long a processed key is remembered. @default 604800000 (7 days) */
  ttlMs?: number;
  /** How long a claim is held while its handler runs (then it lapses). @default 300000 (5 min) */
  leaseMs?: number;
  /**
   * At most this many keys are kept: past it, expired keys go first, then the oldest. Size it
   * above the callbacks you receive in `ttlMs`. @default 100000
   */
  maxEntries?: number;
  /** The clock, in milliseconds (for tests). @default Date.now */
  now?: () => number;
}

type Entry = { token: string | undefined; expiresAt: number };

/**
 * A guard in this process's memory: enough for one server process. Several processes (or a
 * restart within `ttlMs`) need a shared one, such as `createRedisDeliveryGuard`.
 *
 * @throws TypeError / RangeError naming the option that is not valid.
 * @example
 * const guard = createMemoryDeliveryGuard({ ttlMs: 24 * 60 * 60 * 1000, maxEntries: 50_000 });
 * await processOnce(guard, callbackKey("payout", event), () => settle(event));
 */
export function createMemoryDeliveryGuard(
  options: MemoryDeliveryGuardOptions = {},
): CallbackDeliveryGuard {
  const name = "createMemoryDeliveryGuard";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`almara-pay: ${name} options must be an object`);
  }
  checkOptionKeys(name, options, ["ttlMs", "leaseMs", "maxEntries", "now"]);
  const { ttlMs, leaseMs } = checkTimes(name, options);
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(
      `almara-pay: ${name} options.maxEntries must be a positive integer, got ${String(maxEntries)}`,
    );
  }
  const clock = options.now ?? Date.now;
  if (typeof clock !== "function" || !Number.isFinite(clock())) {
    throw new TypeError(
      `almara-pay: ${name} options.now must be a function returning milliseconds (a finite number)`,
    );
  }
  const now = (): number => {
    const at = clock();
    if (!Number.isFinite(at)) {
      throw new TypeError(
        `almara-pay: ${name} options.now returned ${String(at)}, not milliseconds`,
      );
    }
    return at;
  };
  /** Keys in the order they were last written: the oldest first. `token` undefined when done. */
  const entries = new Map<string, Entry>();
  /** No entry expires before this (a lower bound): sweeping earlier would find nothing. */
  let earliestExpiry = Infinity;

  function live(key: string, at: number): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= at) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * Stores an entry; when full, expired keys go first, then the oldest done keys. A live claim is
   * never evicted (its handler is running): when only live claims are left, nothing is written
   * and false is returned.
   */
  function write(key: string, entry: Entry, at: number): boolean {
    entries.delete(key);
    if (entries.size >= maxEntries && earliestExpiry <= at) {
      earliestExpiry = Infinity;
      for (const [k, e] of entries) {
        if (e.expiresAt <= at) entries.delete(k);
        else earliestExpiry = Math.min(earliestExpiry, e.expiresAt);
      }
    }
    if (entries.size >= maxEntries) {
      for (const [k, e] of entries) {
        if (entries.size < maxEntries) break;
        if (e.token === undefined) entries.delete(k);
      }
    }
    if (entries.size >= maxEntries) return false;
    entries.set(key, entry);
    earliestExpiry = Math.min(earliestExpiry, entry.expiresAt);
    return true;
  }

  return {
    async claim(key) {
      checkKey("claim()", key);
      const at = now();
      const entry = live(key, at);
      if (entry) return { status: entry.token === undefined ? "duplicate" : "in-progress" };
      const token = globalThis.crypto.randomUUID();
      // Full of claims being processed right now: this delivery waits for a redelivery.
      if (!write(key, { token, expiresAt: at + leaseMs }, at)) return { status: "in-progress" };
      return { status: "claimed", token };
    },
    async complete(key, _token) {
      checkKey("complete()", key);
      const at = now();
      write(key, { token: undefined, expiresAt: at + ttlMs }, at);
    },
    async release(key, token) {
      checkKey("release()", key);
      const entry = live(key, now());
      if (entry && entry.token !== undefined && entry.token === token) entries.delete(key);
    },
    async renew(key, token) {
      checkKey("renew()", key);
      const entry = live(key, now());
      if (!entry || entry.token === undefined || entry.token !== token) return false;
      entry.expiresAt = Math.max(entry.expiresAt, now() + leaseMs);
      earliestExpiry = Math.min(earliestExpiry, entry.expiresAt);
      return true;
    },
    leaseMs,
  };
}

function checkKey(name: string, key: unknown): void {
  if (typeof key !== "string" || key === "") {
    throw new TypeError(`almara-pay: ${name} key must be a non-empty string`);
  }
}

/**
 * Validates `ttlMs` and `leaseMs` (shared with the Redis guard): positive whole milliseconds.
 *
 * @example
 * const { ttlMs, leaseMs } = checkTimes("createRedisDeliveryGuard", options);
 */
export function checkTimes(
  name: string,
  options: { ttlMs?: number; leaseMs?: number },
): { ttlMs: number; leaseMs: number } {
  const ttlMs = options.ttlMs ?? DEFAULT_DELIVERY_TTL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_DELIVERY_LEASE_MS;
  for (const [option, value] of [
    ["ttlMs", ttlMs],
    ["leaseMs", leaseMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(
        `almara-pay: ${name} options.${option} must be a positive whole number of milliseconds, got ${String(value)}`,
      );
    }
  }
  return { ttlMs, leaseMs };
}
