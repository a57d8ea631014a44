/**
 * Processing each callback delivery once: duplicates and concurrent deliveries run the handler
 * once, a failing handler lets the next delivery run it, done keys are forgotten after their TTL
 * and past `maxEntries` — in memory, and in Redis through a `command` function. Time is a fake
 * clock (memory, and the fake Redis's expiries) or fake timers (Redis command timeouts): nothing
 * here waits on the wall clock.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_DELIVERY_LEASE_MS,
  DEFAULT_DELIVERY_TTL_MS,
  callbackKey,
  createMemoryDeliveryGuard,
  parseBillPaymentCallback,
  processOnce,
  type CallbackDeliveryGuard,
  type ExpressDepositCallback,
  type PaymentOrderCallback,
} from "../../src/index.js";
import { createRedisDeliveryGuard } from "../../src/redis.js";
import { at } from "../support/spec.js";

const DAY = 24 * 60 * 60 * 1000;

/** A clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Redis in memory, for the commands the guard sends: SET (NX, PX), GET, DEL, and EVAL of the
 * compare-and-delete script (the only script the guard runs). Keys expire on the fake clock.
 */
function fakeRedis(now: () => number) {
  const store = new Map<string, { value: string; expiresAt: number }>();
  const sent: string[][] = [];
  const get = (key: string) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= now()) store.delete(key);
    return store.get(key)?.value ?? null;
  };
  async function command(args: string[]): Promise<unknown> {
    sent.push(args);
    const [name, key, ...rest] = args;
    switch (name) {
      case "SET": {
        const [value, ...flags] = rest;
        if (flags.includes("NX") && get(key!) !== null) return null;
        const px = flags.indexOf("PX");
        const expiresAt = px >= 0 ? now() + Number(flags[px + 1]) : Infinity;
        store.set(key!, { value: value!, expiresAt });
        return "OK";
      }
      case "GET":
        return get(key!);
      case "EVAL": {
        // ["EVAL", script, "1", key, expected, ms?]: compare-and-delete or compare-and-extend
        const [script, , evalKey, expected, ms] = args.slice(1);
        expect(script).toMatch(/redis\.call\('GET', KEYS\[1\]\) == ARGV\[1\].*'(DEL|PEXPIRE)'/);
        if (get(evalKey!) !== expected) return 0;
        if (script!.includes("PEXPIRE")) store.get(evalKey!)!.expiresAt = now() + Number(ms);
        else store.delete(evalKey!);
        return 1;
      }
      default:
        throw new Error(`unexpected command ${name}`);
    }
  }
  return { command, store, sent, get };
}

/** The same behaviour, whichever guard: memory or Redis, on a fake clock. */
const guards: [
  string,
  (clock: ReturnType<typeof fakeClock>, ttlMs?: number) => CallbackDeliveryGuard,
][] = [
  [
    "memory",
    (clock, ttlMs) => createMemoryDeliveryGuard({ now: clock.now, ...(ttlMs ? { ttlMs } : {}) }),
  ],
  [
    "redis",
    (clock, ttlMs) =>
      createRedisDeliveryGuard({
        command: fakeRedis(clock.now).command,
        ...(ttlMs ? { ttlMs } : {}),
      }),
  ],
];

describe.each(guards)("processOnce with the %s guard", (_name, makeGuard) => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a slow handler keeps its claim past the lease: a redelivery meanwhile is in progress", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const clock = fakeClock();
    const guard = makeGuard(clock);
    const gate = deferred();
    let runs = 0;
    const first = processOnce(guard, "k", async () => {
      runs += 1;
      await gate.promise;
    });
    await vi.waitFor(() => expect(runs).toBe(1));
    const third = 100_000; // the default lease is 5 minutes: renewed every 100 s
    for (let step = 0; step < 9; step++) {
      clock.advance(third);
      await vi.advanceTimersByTimeAsync(third);
    }
    await expect(processOnce(guard, "k", () => (runs += 1))).resolves.toEqual({
      processed: false,
      reason: "in-progress",
    });
    gate.resolve();
    await expect(first).resolves.toMatchObject({ processed: true });
    expect(runs).toBe(1);
  });

  it("runs the handler once for the same delivery twice", async () => {
    const guard = makeGuard(fakeClock());
    const handler = vi.fn(async () => "stored");
    expect(await processOnce(guard, "bill-payment:a:completed", handler)).toEqual({
      processed: true,
      value: "stored",
    });
    expect(await processOnce(guard, "bill-payment:a:completed", handler)).toEqual({
      processed: false,
      reason: "duplicate",
    });
    expect(handler).toHaveBeenCalledTimes(1);
    // Another key is another delivery.
    expect((await processOnce(guard, "bill-payment:b:completed", handler)).processed).toBe(true);
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it("runs it once for concurrent deliveries; the others are told it is in progress", async () => {
    const guard = makeGuard(fakeClock());
    const gate = deferred();
    const handler = vi.fn(async () => {
      await gate.promise;
      return 1;
    });
    const deliveries = Array.from({ length: 10 }, () => processOnce(guard, "k", handler));
    await vi.waitFor(() => expect(handler).toHaveBeenCalledTimes(1));
    gate.resolve();
    const results = await Promise.all(deliveries);
    expect(results.filter((r) => r.processed)).toEqual([{ processed: true, value: 1 }]);
    expect(results.filter((r) => !r.processed)).toEqual(
      Array(9).fill({ processed: false, reason: "in-progress" }),
    );
    expect(handler).toHaveBeenCalledTimes(1);
    expect(await processOnce(guard, "k", handler)).toEqual({
      processed: false,
      reason: "duplicate",
    });
  });

  it("releases the claim when the handler throws, so the next delivery processes it", async () => {
    const guard = makeGuard(fakeClock());
    const failure = new Error("database down");
    await expect(
      processOnce(guard, "k", () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(processOnce(guard, "k", async () => Promise.reject(failure))).rejects.toBe(
      failure,
    );
    expect(await processOnce(guard, "k", () => "done")).toEqual({ processed: true, value: "done" });
    expect((await processOnce(guard, "k", () => "again")).processed).toBe(false);
  });

  it("forgets a done key after its TTL, and not before", async () => {
    const clock = fakeClock();
    const guard = makeGuard(clock, DAY);
    const handler = vi.fn(() => undefined);
    await processOnce(guard, "k", handler);
    clock.advance(DAY - 1);
    expect(await processOnce(guard, "k", handler)).toEqual({
      processed: false,
      reason: "duplicate",
    });
    clock.advance(1);
    expect((await processOnce(guard, "k", handler)).processed).toBe(true);
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it("lets a claim lapse after its lease (a claimant that died), and ignores its late release", async () => {
    const clock = fakeClock();
    const guard = makeGuard(clock);
    const first = await guard.claim("k");
    expect(first.status).toBe("claimed");
    expect(await guard.claim("k")).toEqual({ status: "in-progress" });
    clock.advance(DEFAULT_DELIVERY_LEASE_MS);
    const second = await guard.claim("k");
    expect(second.status).toBe("claimed");
    // The first claimant wakes up and fails: its release must not free the second's claim.
    if (first.status === "claimed") await guard.release("k", first.token);
    expect(await guard.claim("k")).toEqual({ status: "in-progress" });
  });
});

describe("processOnce", () => {
  it("throws the handler's error even when the release fails too", async () => {
    const failure = new Error("handler failed");
    const guard: CallbackDeliveryGuard = {
      claim: async () => ({ status: "claimed", token: "t" }),
      complete: async () => undefined,
      release: () => {
        throw new Error("release failed");
      },
    };
    await expect(
      processOnce(guard, "k", () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it("does not run the handler when the guard fails to claim", async () => {
    const guard: CallbackDeliveryGuard = {
      claim: async () => Promise.reject(new Error("redis down")),
      complete: async () => undefined,
      release: async () => undefined,
    };
    const handler = vi.fn();
    await expect(processOnce(guard, "k", handler)).rejects.toThrow("redis down");
    expect(handler).not.toHaveBeenCalled();
  });

  it("validates its arguments", async () => {
    const guard = createMemoryDeliveryGuard();
    await expect(processOnce({} as never, "k", () => 1)).rejects.toThrow(
      "almara-pay: processOnce guard needs a claim() method",
    );
    await expect(processOnce(guard, "", () => 1)).rejects.toThrow(
      "almara-pay: processOnce key must be a non-empty string",
    );
    await expect(processOnce(guard, "k", "no" as never)).rejects.toThrow(
      "almara-pay: processOnce handler must be a function",
    );
  });
});

describe("createMemoryDeliveryGuard", () => {
  it("never evicts a claim in progress: when full of them, a new delivery waits", async () => {
    const clock = fakeClock();
    const guard = createMemoryDeliveryGuard({ now: clock.now, maxEntries: 3 });
    const held = await Promise.all(["a", "b", "c"].map((key) => guard.claim(key)));
    expect(held.every((c) => c.status === "claimed")).toBe(true);
    await expect(guard.claim("d")).resolves.toEqual({ status: "in-progress" });
    await expect(guard.claim("a")).resolves.toEqual({ status: "in-progress" });
  });

  it("refuses misspelt options and a clock that is not one", () => {
    expect(() => createMemoryDeliveryGuard({ leaseMS: 1 } as never)).toThrow(
      /options\.leaseMS is not an option/,
    );
    expect(() => createMemoryDeliveryGuard({ now: () => new Date() as never })).toThrow(
      /options\.now/,
    );
    expect(() =>
      createRedisDeliveryGuard({ command: async () => "OK", keyprefix: "x" } as never),
    ).toThrow(/options\.keyprefix is not an option/);
  });

  it("keeps at most maxEntries keys, forgetting the oldest first", async () => {
    const guard = createMemoryDeliveryGuard({ maxEntries: 3, now: fakeClock().now });
    const handler = vi.fn();
    for (const key of ["a", "b", "c", "d"]) await processOnce(guard, key, handler);
    // "a" was forgotten to make room for "d": it is processed again (and "b" forgotten for it).
    expect((await processOnce(guard, "a", handler)).processed).toBe(true);
    expect((await processOnce(guard, "c", handler)).processed).toBe(false);
    expect((await processOnce(guard, "d", handler)).processed).toBe(false);
    expect((await processOnce(guard, "b", handler)).processed).toBe(true);
  });

  it("forgets expired keys before live ones when full", async () => {
    const clock = fakeClock();
    const guard = createMemoryDeliveryGuard({ maxEntries: 3, now: clock.now });
    const handler = vi.fn();
    await processOnce(guard, "a", handler);
    expect((await guard.claim("stuck")).status).toBe("claimed"); // its handler never ends
    await processOnce(guard, "b", handler);
    clock.advance(DEFAULT_DELIVERY_LEASE_MS); // the stuck claim lapses; "a" and "b" stay done
    await processOnce(guard, "c", handler); // full: the lapsed claim goes, not "a", the oldest
    expect((await processOnce(guard, "a", handler)).processed).toBe(false);
    expect((await processOnce(guard, "b", handler)).processed).toBe(false);
    expect((await processOnce(guard, "c", handler)).processed).toBe(false);
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it("defaults to a 7-day TTL", async () => {
    expect(DEFAULT_DELIVERY_TTL_MS).toBe(7 * DAY);
    const clock = fakeClock();
    const guard = createMemoryDeliveryGuard({ now: clock.now });
    await processOnce(guard, "k", () => undefined);
    clock.advance(7 * DAY - 1);
    expect((await processOnce(guard, "k", () => undefined)).processed).toBe(false);
    clock.advance(1);
    expect((await processOnce(guard, "k", () => undefined)).processed).toBe(true);
  });

  it.each([
    [{ ttlMs: 0 }, RangeError, "createMemoryDeliveryGuard options.ttlMs must be a positive"],
    [{ ttlMs: Infinity }, RangeError, "options.ttlMs"],
    [{ leaseMs: -5 }, RangeError, "createMemoryDeliveryGuard options.leaseMs must be a positive"],
    [{ maxEntries: 1.5 }, RangeError, "createMemoryDeliveryGuard options.maxEntries must be"],
    [{ maxEntries: 0 }, RangeError, "options.maxEntries"],
    [{ now: 42 }, TypeError, "createMemoryDeliveryGuard options.now must be a function"],
    [null, TypeError, "createMemoryDeliveryGuard options must be an object"],
  ])("refuses %j", (options, type, message) => {
    expect(() => createMemoryDeliveryGuard(options as never)).toThrow(type);
    expect(() => createMemoryDeliveryGuard(options as never)).toThrow(`almara-pay: `);
    expect(() => createMemoryDeliveryGuard(options as never)).toThrow(message);
  });
});

describe("createRedisDeliveryGuard", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("claims with SET NX PX, completes with SET PX ttl, releases by compare-and-delete", async () => {
    const clock = fakeClock();
    const redis = fakeRedis(clock.now);
    const guard = createRedisDeliveryGuard({ command: redis.command, keyPrefix: "shop:" });
    await expect(processOnce(guard, "k", () => Promise.reject(new Error("x")))).rejects.toThrow();
    await processOnce(guard, "k", () => undefined);
    const [set, evalRelease, claimAgain, done] = redis.sent;
    expect(set).toEqual([
      "SET",
      "shop:k",
      expect.stringMatching(/^claimed:/),
      "NX",
      "PX",
      "300000",
    ]);
    expect(evalRelease).toEqual(["EVAL", expect.any(String), "1", "shop:k", set![2]]);
    expect(claimAgain![0]).toBe("SET");
    expect(done).toEqual(["SET", "shop:k", "done", "PX", String(7 * DAY)]);
    expect(redis.get("shop:k")).toBe("done");
    expect(redis.sent).toHaveLength(4);
  });

  it("shares the keys between guards (processes) on one Redis", async () => {
    const clock = fakeClock();
    const redis = fakeRedis(clock.now);
    const one = createRedisDeliveryGuard({ command: redis.command });
    const two = createRedisDeliveryGuard({ command: redis.command });
    const handler = vi.fn();
    expect((await processOnce(one, "k", handler)).processed).toBe(true);
    expect(await processOnce(two, "k", handler)).toEqual({ processed: false, reason: "duplicate" });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("turns a command that throws synchronously into a failed claim, leaving no timer", async () => {
    vi.useFakeTimers();
    const guard = createRedisDeliveryGuard({
      command: () => {
        throw new Error("client is closed");
      },
    });
    const handler = vi.fn();
    await expect(processOnce(guard, "k", handler)).rejects.toThrow("client is closed");
    expect(handler).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("times out a command that never answers", async () => {
    vi.useFakeTimers();
    const guard = createRedisDeliveryGuard({
      command: () => new Promise(() => undefined),
      commandTimeoutMs: 250,
    });
    const handler = vi.fn();
    const delivery = processOnce(guard, "k", handler);
    const outcome = expect(delivery).rejects.toThrow(
      "almara-pay: Redis SET did not answer within 250 ms",
    );
    await vi.advanceTimersByTimeAsync(249);
    expect(handler).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(handler).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  const command = async () => null;
  it.each([
    [{}, TypeError, "createRedisDeliveryGuard options.command must be a function"],
    [{ command, keyPrefix: 5 }, TypeError, "options.keyPrefix must be a string"],
    [{ command, ttlMs: 0 }, RangeError, "options.ttlMs must be a positive whole number"],
    [{ command, leaseMs: 0.5 }, RangeError, "options.leaseMs must be a positive whole number"],
    [{ command, commandTimeoutMs: 0 }, RangeError, "options.commandTimeoutMs must be from 1"],
    [{ command, commandTimeoutMs: 2 ** 31 }, RangeError, "options.commandTimeoutMs must be from 1"],
  ])("refuses %j", (options, type, message) => {
    const make = () => createRedisDeliveryGuard(options as never);
    expect(make).toThrow(type);
    expect(make).toThrow(/^almara-pay: createRedisDeliveryGuard /);
    expect(make).toThrow(message);
  });
});

describe("callbackKey", () => {
  const example = (
    at(
      "/paths/~1v1~1bill-payments/post/callbacks/billPaymentResult/{$request.body#~1callBackUrl}/post/requestBody/content/application~1json/examples/completed",
    ) as { value: Record<string, unknown> }
  ).value;

  it("is the same for every delivery of the same news, and differs with the news", () => {
    const event = parseBillPaymentCallback(JSON.stringify(example));
    const key = callbackKey("bill-payment", event);
    expect(key).toBe(`bill-payment:${String(example.originatorConversationId)}:completed:`);
    expect(callbackKey("bill-payment", parseBillPaymentCallback(example))).toBe(key);
    const declined = parseBillPaymentCallback({ ...example, statusCode: 18 });
    expect(callbackKey("bill-payment", declined)).toBe(
      `bill-payment:${String(example.originatorConversationId)}:failed:`,
    );
  });

  it("cannot be forged through the id: a colon in an id is encoded", () => {
    const line = {
      transactionOutcome: {
        transactionStatus: 0,
        transactionStatusDescription: "x",
        resultCode: null,
      },
    };
    const genuine = { originatorConversationId: "X", orderLines: [line] } as PaymentOrderCallback;
    const forged = {
      originatorConversationId: "X:pending",
      orderLines: [],
    } as unknown as PaymentOrderCallback;
    expect(callbackKey("payout", genuine)).not.toBe(callbackKey("payout", forged));
  });

  it("gives both express-deposit callbacks of one deposit the same key, given its id", () => {
    const stk = {
      Body: { StkCallback: { MerchantRequestID: "m-1", CheckoutRequestID: "c-1", ResultCode: 0 } },
    } as ExpressDepositCallback;
    const replay = {
      Body: { StkCallback: { CheckoutRequestID: "c-2", ResultCode: 0 } },
    } as ExpressDepositCallback;
    const ipn = { OriginatorConversationId: "d-1" } as ExpressDepositCallback;
    const options = { originatorConversationId: "d-1" };
    expect(callbackKey("express-deposit", stk, options)).toBe(callbackKey("express-deposit", ipn));
    expect(callbackKey("express-deposit", replay, options)).toBe(
      callbackKey("express-deposit", ipn),
    );
    // Without the id, a push result without its MerchantRequestID cannot be keyed at all.
    expect(() => callbackKey("express-deposit", replay)).toThrow(TypeError);
  });

  it("keys a payout by the state of each line, and an STK result by its MerchantRequestID", () => {
    const line = (resultCode: string | null) => ({
      transactionOutcome: { transactionStatus: 0, transactionStatusDescription: "x", resultCode },
    });
    const order = (codes: (string | null)[]) =>
      ({ originatorConversationId: "o", orderLines: codes.map(line) }) as PaymentOrderCallback;
    expect(callbackKey("payout", order(["0", null]))).toBe("payout:o:pending:paid,pending");
    expect(callbackKey("payout", order(["0", "1"]))).toBe("payout:o:failed:paid,failed");
    const stk = { Body: { StkCallback: { MerchantRequestID: "m-1", ResultCode: 1032 } } };
    expect(callbackKey("express-deposit", stk as ExpressDepositCallback)).toBe(
      "express-deposit-stk:m-1:failed:",
    );
    const ipn = { OriginatorConversationId: "d-1" } as ExpressDepositCallback;
    expect(callbackKey("express-deposit", ipn)).toBe("express-deposit:d-1:completed:");
  });

  it("refuses an unknown kind and a callback without an id", () => {
    expect(() => callbackKey("refund" as never, {} as never)).toThrow(
      /^almara-pay: callbackKey kind must be one of bill-payment, payout/,
    );
    const stk = { Body: { StkCallback: { ResultCode: 0 } } } as ExpressDepositCallback;
    expect(() => callbackKey("express-deposit", stk)).toThrow(TypeError);
    expect(() => callbackKey("kyc", { status: 4, statusDesc: "Completed" })).toThrow(
      "almara-pay: callbackKey: this kyc callback carries no id to key it by",
    );
  });
});
