/**
 * The runnable examples in examples/ (type-checked by `npm run lint`), run against the sandbox:
 * a bill paid end to end, its callback received and confirmed through the API by the node:http
 * example, a declined one, and the callback server refusing what it must not act on.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { bin, root, run } from "../support/package.js";

const WATER = "bc97d2b1-4828-f111-bc5a-0e7d952d79b7";
/** A completed payment's callback, as a forger would write it. */
const FORGED = {
  systemConversationId: "01000000-0129-0a00-1ac0-08de9ac69d58",
  originatorConversationId: "",
  accountNumber: "1111111",
  amount: 1500,
  receiptNumber: "TDF4K8L2QP",
  status: 4,
  statusCode: 0,
  statusDescription: "Success",
};
let sandbox: Sandbox;
let receiver: ChildProcessWithoutNullStreams;
let receiverOutput = "";
let receiverErrors = "";
let callbackUrl: string;

/** The sandbox's address and credentials, as the examples read them. */
const almaraEnv = () => ({
  ALMARA_BASE_URL: sandbox.url,
  ALMARA_CLIENT_ID: sandbox.credentials.clientId,
  ALMARA_CLIENT_SECRET: sandbox.credentials.clientSecret,
});

beforeAll(async () => {
  sandbox = await startSandbox({ settleDelayMs: 100 });
  receiver = spawn(bin("tsx"), ["examples/callback-server.ts"], {
    cwd: root,
    env: { ...process.env, ...almaraEnv(), PORT: "0" },
  });
  receiver.stdout.setEncoding("utf8");
  receiver.stderr.setEncoding("utf8");
  receiver.stderr.on("data", (chunk: string) => (receiverErrors += chunk));
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

/** POSTs `body` in 100 kB chunks with no Content-Length: the receiver counts what arrives. */
function postChunked(body: string): Promise<number | string> {
  return new Promise((resolve) => {
    const headers = { "Transfer-Encoding": "chunked" };
    const post = request(callbackUrl, { method: "POST", headers }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    post.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    for (let at = 0; at < body.length; at += 100_000) post.write(body.slice(at, at + 100_000));
    post.end();
  });
}

function payBill(accountNumber: string) {
  return run(
    bin("tsx"),
    ["examples/pay-bill.ts", WATER, accountNumber, "254710000000", callbackUrl],
    {
      cwd: root,
      env: { ...process.env, ...almaraEnv() },
    },
  );
}

describe("examples", () => {
  it("pay-bill validates and pays; callback-server confirms the result through the API", async () => {
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

  it("callback-server acts on no forged callback, and refuses bad and oversized bodies", async () => {
    const post = (body: string) =>
      fetch(callbackUrl, { method: "POST", body }).then(
        (r) => r.status,
        () => "reset",
      );
    // Well shaped, for a payment the API never made: not confirmed, not acted on, sent again.
    const forged = { ...FORGED, originatorConversationId: crypto.randomUUID() };
    expect(await post(JSON.stringify(forged))).toBe(500);
    await expect
      .poll(() => receiverOutput + receiverErrors, { timeout: 5000 })
      .toContain(`${forged.originatorConversationId} is not confirmed by the API`);
    expect(receiverOutput).not.toContain(`${forged.originatorConversationId}: Success`);
    expect(await post('{"amount": "1500"}')).toBe(400);
    // Past 1 MiB counted in bytes: 400,000 three-byte characters are 1.2 MB in 400,000 units.
    const large = JSON.stringify({ ...forged, narration: "€".repeat(400_000) });
    expect(large.length).toBeLessThan(1024 * 1024);
    expect(await post(large)).toBe(413); // refused on its Content-Length
    expect(await postChunked(large)).toBe(413); // refused once 1 MiB has arrived
  }, 30_000);

  it("pay-bill reports a declined payment and exits non-zero", async () => {
    const error = await payBill("2222222").catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toContain("Outcome: failed");
  }, 60_000);
});
