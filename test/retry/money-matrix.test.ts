/**
 * Every operation that moves money × every fault the sandbox can inject, with and without opt-in
 * unsafe retries, followed by the recovery the README prescribes: on an ambiguous outcome or a
 * duplicate refusal, look the transaction up (polling through "not found"); while it is not
 * recorded, or after any refusal, resend the same request with the same id. Each scenario is one
 * intent on its own sandbox, which must end with exactly one recorded transaction, and no call
 * may throw anything but a typed SDK error. The whole matrix runs against the sources and against
 * the core bundled with `esbuild --minify` (classes renamed).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  faultKind,
  startSandbox,
  type Fault,
  type FaultKind,
  type RecordedTransaction,
  type Sandbox,
} from "../../src/sandbox/index.js";
import type { AlmaraPayClient, FetchResult } from "../../src/index.js";
import * as sources from "../../src/index.js";
import { billPayment, expressDeposit, payout } from "../support/fixtures.js";
import { importMinifiedSdk, type Sdk } from "../support/minified-sdk.js";

type MoneyOperation = RecordedTransaction["operationId"];

interface Operation {
  send(pay: AlmaraPayClient, id: string): Promise<FetchResult>;
  find(sdk: Sdk, pay: AlmaraPayClient, id: string): Promise<{ state: string }>;
}

const lookup = { waitMs: 800, intervalMs: 20 };

/** One request body per operation, under the scenario's id. */
const operations: Record<MoneyOperation, Operation> = {
  postBillPayment: {
    send: (pay, id) =>
      pay.POST("/v1/bill-payments", { body: { ...billPayment, originatorConversationId: id } }),
    find: (sdk, pay, id) => sdk.findPaymentOutcome(pay, id, lookup),
  },
  createPaymentOrder: {
    send: (pay, id) =>
      pay.POST("/v1/payment-order/new-order", {
        body: { ...payout(), originatorConversationId: id },
      }),
    find: (sdk, pay, id) => sdk.findPaymentOrderOutcome(pay, id, lookup),
  },
  createExpressDeposit: {
    send: (pay, id) =>
      pay.POST("/v1/express-deposit", {
        body: { ...expressDeposit("http://127.0.0.1:9/cb"), OriginatorConversationId: id },
      }),
    find: (sdk, pay, id) => sdk.findExpressDepositOutcome(pay, id, lookup),
  },
  purchaseAirtime: {
    send: (pay, id) =>
      pay.POST("/v1/airtime-purchase", {
        body: {
          originatorConversationId: id,
          recipients: [{ phoneNumber: "254710000000", amount: 100 }],
        },
      }),
    find: (sdk, pay, id) => sdk.findAirtimeOutcome(pay, id, lookup),
  },
};

/** Every kind of fault, each in the forms that matter for money (the type forgets none). */
const faults: Record<FaultKind, Fault[]> = {
  status: [
    { status: 500 },
    { status: 500, after: true },
    { status: 503, after: true },
    { status: 502, retryAfter: 0, after: true },
    { status: 429, retryAfter: 0 },
    { status: 401, after: true },
    { status: 400, after: true },
  ],
  hangMs: [{ hangMs: 600 }],
  reset: [{ reset: "before" }, { reset: "after" }],
  malformed: [{ malformed: true }, { malformed: true, after: true }],
  html: [{ html: 200, after: true }, { html: 502, after: true }, { html: 200 }],
  empty: [
    { empty: true, after: true },
    { empty: true, contentType: null, after: true },
  ],
  raw: [
    { raw: "OK", contentType: "text/plain", after: true },
    { raw: "<result>accepted</result>", contentType: "application/xml", after: true },
    { raw: "null", contentType: "application/json", after: true },
    { raw: "Accepted", contentType: null },
  ],
  oversized: [{ oversized: 1024 * 1024, after: true }],
};

interface Tally {
  scenarios: number;
  /** How the first call ended, by kind: proves the faults took the paths they are meant to. */
  paths: Record<string, number>;
  duplicatePayments: number;
  untypedErrors: number;
  problems: string[];
}

const retryModes = {
  default: { baseDelayMs: 1, maxDelayMs: 5 },
  unsafe: { baseDelayMs: 1, maxDelayMs: 5, unsafe: true },
};

/** One intent under one fault: the call, then the README's same-id recovery, counted. */
async function scenario(
  sdk: Sdk,
  name: MoneyOperation,
  fault: Fault,
  mode: keyof typeof retryModes,
  tally: Tally,
): Promise<void> {
  const label = `${name} × ${JSON.stringify(fault)} (${mode})`;
  const sandbox: Sandbox = await startSandbox({ settleDelayMs: 10, onError: () => undefined });
  try {
    const pay = sdk.createAlmaraPay({
      baseUrl: sandbox.url,
      ...sandbox.credentials,
      timeoutMs: 300, // the hangs outlast it; ordinary answers on a busy machine do not
      maxResponseBytes: 64 * 1024,
      retry: retryModes[mode],
    });
    const operation = operations[name];
    const id = randomUUID();
    sandbox.injectFault(name, fault);
    const untyped = (what: string) => {
      tally.untypedErrors += 1;
      tally.problems.push(`${label}: ${what}`);
    };
    const path = (how: string) => {
      if (attempt === 1) tally.paths[how] = (tally.paths[how] ?? 0) + 1;
    };
    let attempt = 1;
    settling: for (; attempt <= 4; attempt++) {
      try {
        const result = await operation.send(pay, id);
        path(`HTTP ${result.response.status}`);
        if (result.response.ok) {
          if (result.data === undefined) untyped("a 2xx answer with data undefined");
          break;
        }
        const refusal = await sdk.unwrap(result).catch((e: unknown) => e);
        // The id is taken: an earlier send landed. Settle by lookup.
        if (sdk.isDuplicateIdError(refusal)) {
          if ((await operation.find(sdk, pay, id)).state !== "not-found") break;
        }
        // Refused (429, 400…): nothing new was paid; try again with the same id.
      } catch (error) {
        if (!sdk.isAlmaraPayError(error)) {
          untyped(String(error));
          break;
        }
        const recorded = sdk.isAmbiguousOutcomeError(error) && error.recorded;
        path(`${error.name}${recorded ? " (recorded)" : ""}`);
        if (sdk.isAmbiguousOutcomeError(error) || sdk.isDuplicateIdError(error)) {
          if (error.originatorConversationId !== id)
            untyped(`the error lost the id: ${error.message}`);
          for (let look = 1; look <= 3; look++) {
            try {
              const outcome = await operation.find(sdk, pay, id);
              if (outcome.state !== "not-found") break settling;
              continue settling; // not recorded: resend with the same id
            } catch (lookupError) {
              if (!sdk.isAlmaraPayError(lookupError)) {
                untyped(`lookup: ${String(lookupError)}`);
                break settling;
              }
            }
          }
        }
        // A typed failure that proves nothing was sent (refused connection, token): try again.
      }
    }
    sandbox.releaseHangs();
    await sandbox.settleAll();
    const recorded = sandbox.transactions().filter((t) => t.operationId === name);
    tally.scenarios += 1;
    if (recorded.length > 1) {
      tally.duplicatePayments += recorded.length - 1;
      tally.problems.push(`${label}: ${recorded.length} transactions recorded`);
    }
    if (recorded.length === 0) tally.problems.push(`${label}: never recorded`);
    if (recorded.some((t) => t.originatorConversationId !== id)) {
      tally.problems.push(`${label}: recorded under another id`);
    }
  } finally {
    await sandbox.close();
  }
}

/** Runs `tasks` a few at a time: each has its own sandbox, so they cannot disturb one another. */
async function inBatches(tasks: (() => Promise<void>)[], size = 16): Promise<void> {
  for (let i = 0; i < tasks.length; i += size) {
    await Promise.all(tasks.slice(i, i + size).map((task) => task()));
  }
}

async function runMatrix(sdk: Sdk, title: string): Promise<Tally> {
  const tally: Tally = {
    scenarios: 0,
    paths: {},
    duplicatePayments: 0,
    untypedErrors: 0,
    problems: [],
  };
  const tasks: (() => Promise<void>)[] = [];
  for (const name of Object.keys(operations) as MoneyOperation[]) {
    for (const [kind, list] of Object.entries(faults)) {
      for (const fault of list) {
        expect(faultKind(fault)).toBe(kind);
        for (const mode of Object.keys(retryModes) as (keyof typeof retryModes)[]) {
          tasks.push(() => scenario(sdk, name, fault, mode, tally));
        }
      }
    }
  }
  await inBatches(tasks);
  console.log(`${title}: how the first send ended: ${JSON.stringify(tally.paths)}`);
  console.log(
    `${title}: ${tally.scenarios} scenarios, ${tally.duplicatePayments} duplicate payments, ${tally.untypedErrors} untyped errors`,
  );
  return tally;
}

describe("the money matrix: every money-moving operation × every fault, settled by the same-id rule", () => {
  it("covers every money-moving operation of the spec", async () => {
    const { operationMeta } = await import("../../src/generated/operations.js");
    const moneyMoving = Object.values(operationMeta)
      .filter((meta) => meta.moneyMovingWhen !== undefined)
      .map((meta) => meta.operationId)
      .sort();
    expect(moneyMoving).toEqual(Object.keys(operations).sort());
  });

  it("from the sources: one transaction per intent, no untyped error", async () => {
    const tally = await runMatrix(sources, "sources");
    expect(tally.problems).toEqual([]);
    // The faults took the paths they exist for: lost answers, and resends refused as duplicates.
    expect(tally.paths["AmbiguousOutcomeError"]).toBeGreaterThan(0);
    expect(tally.paths["AmbiguousOutcomeError (recorded)"]).toBeGreaterThan(0);
    expect(tally.paths["HTTP 200"] ?? 0).toBeLessThan(tally.scenarios / 4);
    expect(tally.scenarios).toBe(
      Object.keys(operations).length * Object.values(faults).flat().length * 2,
    );
    expect([tally.duplicatePayments, tally.untypedErrors]).toEqual([0, 0]);
  }, 120_000);

  it("from the minified bundle: the same", async () => {
    const { sdk } = await importMinifiedSdk();
    const tally = await runMatrix(sdk, "minified bundle");
    expect(tally.problems).toEqual([]);
    expect(tally.paths["AmbiguousOutcomeError (recorded)"]).toBeGreaterThan(0);
    expect([tally.duplicatePayments, tally.untypedErrors]).toEqual([0, 0]);
  }, 120_000);

  it("from the minified bundle: names and guards hold though every class is renamed, and reads retry", async () => {
    const { sdk, code } = await importMinifiedSdk();
    expect(code).not.toMatch(/class AmbiguousOutcomeError\b/); // the bundle really renamed them
    const samples: [string, unknown, (value: unknown) => boolean][] = [
      [
        "ApiError",
        new sdk.ApiError({ status: 500, method: "GET", path: "/x", body: {} }),
        sdk.isApiError,
      ],
      [
        "DuplicateIdError",
        new sdk.DuplicateIdError({ status: 400, method: "POST", path: "/x", body: {} }),
        sdk.isDuplicateIdError,
      ],
      ["AuthenticationError", new sdk.AuthenticationError("no"), sdk.isAuthenticationError],
      ["NetworkError", new sdk.NetworkError("GET", "/x"), sdk.isNetworkError],
      ["TimeoutError", new sdk.TimeoutError("GET", "/x", 1), sdk.isTimeoutError],
      [
        "InvalidResponseError",
        new sdk.InvalidResponseError("GET", "/x", 200, "x"),
        sdk.isInvalidResponseError,
      ],
      [
        "AmbiguousOutcomeError",
        new sdk.AmbiguousOutcomeError({
          method: "POST",
          path: "/x",
          originatorConversationId: "i",
          why: "w",
        }),
        sdk.isAmbiguousOutcomeError,
      ],
      ["CallbackError", new sdk.CallbackError("bill payment", "$", "x"), sdk.isCallbackError],
      [
        "UnconfirmedCallbackError",
        new sdk.UnconfirmedCallbackError({
          callback: "Payout",
          id: "i",
          claimed: "completed",
          confirmed: "failed",
          reason: "r",
        }),
        sdk.isUnconfirmedCallbackError,
      ],
    ];
    for (const [kind, error, guard] of samples) {
      expect((error as Error).name).toBe(kind);
      expect((error as Error).constructor.name).not.toBe(kind);
      expect(guard(error)).toBe(true);
      // Guards of another copy of the SDK (the sources) agree with the bundle's.
      const sourceGuard = (sources as unknown as Record<string, (v: unknown) => boolean>)[
        `is${kind}`
      ]!;
      expect(sourceGuard(error)).toBe(true);
      expect(sources.isAlmaraPayError(error)).toBe(true);
      for (const [other, , otherGuard] of samples)
        if (other !== kind) expect(otherGuard(error)).toBe(false);
    }
    const sandbox = await startSandbox({ onError: () => undefined });
    try {
      const pay = sdk.createAlmaraPay({
        baseUrl: sandbox.url,
        ...sandbox.credentials,
        retry: retryModes.default,
      });
      sandbox.injectFault("findBillServices", { reset: "before" });
      expect((await pay.GET("/v1/bill-services")).response.status).toBe(200);
      expect(
        sandbox.requests.filter((r) => r.path === "/v1/bill-services").map((r) => r.status),
      ).toEqual([-1, 200]);
    } finally {
      await sandbox.close();
    }
  });
});
