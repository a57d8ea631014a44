/**
 * The runnable examples in examples/ (type-checked by `npm run lint`), run against the sandbox:
 * a bill paid end to end, its callback received by the node:http example, and a declined one.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { bin, root, run } from "../support/package.js";

const WATER = "bc97d2b1-4828-f111-bc5a-0e7d952d79b7";
let sandbox: Sandbox;
let receiver: ChildProcessWithoutNullStreams;
let receiverOutput = "";
let callbackUrl: string;

beforeAll(async () => {
  sandbox = await startSandbox({ settleDelayMs: 100 });
  receiver = spawn(bin("tsx"), ["examples/callback-server.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0" },
  });
  receiver.stdout.setEncoding("utf8");
  callbackUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL: ${receiverOutput}`)), 15_000);
    receiver.stdout.on("data", (chunk: string) => {
      receiverOutput += chunk;
      const match = /Listening on (\S+)/.exec(receiverOutput);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
}, 30_000);

afterAll(async () => {
  receiver?.kill("SIGTERM");
  if (receiver) await once(receiver, "exit");
  await sandbox?.close();
});

function payBill(accountNumber: string) {
  return run(
    bin("tsx"),
    ["examples/pay-bill.ts", WATER, accountNumber, "254710000000", callbackUrl],
    {
      cwd: root,
      env: {
        ...process.env,
        ALMARA_BASE_URL: sandbox.url,
        ALMARA_CLIENT_ID: sandbox.credentials.clientId,
        ALMARA_CLIENT_SECRET: sandbox.credentials.clientSecret,
      },
    },
  );
}

describe("examples", () => {
  it("pay-bill validates and pays; callback-server receives the typed result", async () => {
    const output = await payBill("1111111");
    expect(output).toContain("Account 1111111: IRINA MUTHONI, KES 1500 due");
    expect(output).toContain("Outcome: completed");
    const id = /Payment accepted: .* \(([0-9a-f-]{36})\)/.exec(output)?.[1];
    expect(id).toBeDefined();
    await expect
      .poll(() => receiverOutput, { timeout: 5000 })
      .toMatch(new RegExp(`${id}: Success \\(receipt \\w+\\)`));
    const payments = sandbox.requests.filter((r) => r.operationId === "postBillPayment");
    expect(payments.map((r) => r.status)).toEqual([200, 200]); // one validation, one payment
  }, 60_000);

  it("pay-bill reports a declined payment and exits non-zero", async () => {
    const error = await payBill("2222222").catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toContain("Outcome: failed");
  }, 60_000);
});
