/**
 * The docs site's TypeScript samples are real programs: `npm run lint` type-checks every file in
 * openapi/code-samples/ against the SDK (tsconfig includes it), and this suite runs each one
 * against the sandbox and checks that codegen puts it, verbatim, beside its operation.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildDocsSpec,
  curlSample,
  operationsOf,
  samplesDir,
  type SpecOperation,
} from "../../codegen/docs.js";
import { unwrap } from "../../src/index.js";
import { billPayment } from "../support/fixtures.js";
import { startHarness, type Harness } from "../support/sandbox.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
type Json = Record<string, unknown>;

let spec: Json;
let operations: SpecOperation[];

beforeAll(async () => {
  spec = await buildDocsSpec();
  operations = operationsOf(spec);
});

describe("code samples in the docs spec", () => {
  it("gives every operation its TypeScript file verbatim, then curl", async () => {
    expect(operations.length).toBeGreaterThanOrEqual(11);
    for (const { operation } of operations) {
      const file = join(samplesDir, `${String(operation.operationId)}.ts`);
      const samples = operation["x-codeSamples"] as {
        lang: string;
        label: string;
        source: string;
      }[];
      expect(samples.map((s) => s.label)).toEqual(["TypeScript", "curl"]);
      expect(samples[0]?.source).toBe(await readFile(file, "utf8"));
      expect(samples[0]?.source).toContain('from "almara-pay"');
    }
  });

  it("builds curl commands from the spec: bearer token, query parameters, example body", () => {
    const find = (id: string) => operations.find((o) => o.operation.operationId === id)!;
    expect(curlSample(spec, find("findBillPayment"))).toBe(
      'curl -X GET "$ALMARA_BASE_URL/v1/bill-payments?OriginatorConversationId=<OriginatorConversationId>" \\\n' +
        '  -H "Authorization: Bearer $ALMARA_TOKEN"',
    );
    const token = curlSample(spec, find("requestToken"));
    expect(token).not.toContain("Authorization");
    expect(token).toContain('--data-urlencode "client_secret=$ALMARA_CLIENT_SECRET"');
    expect(token).toContain('--data-urlencode "grant_type=client_credentials"');
    const payment = curlSample(spec, find("postBillPayment"));
    expect(payment).toContain('-H "Content-Type: application/json"');
    expect(payment).toContain('"transactionType": 3');
  });

  it("refuses an operation without a sample and a sample without an operation", async () => {
    const dir = await mkdtemp(join(tmpdir(), "almara-samples-"));
    try {
      await cp(samplesDir, dir, { recursive: true });
      await unlink(join(dir, "findBillServices.ts"));
      await writeFile(join(dir, "listBillers.ts"), "export {};\n");
      const error = await buildDocsSpec({ samplesDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain("findBillServices.ts is missing");
      expect((error as Error).message).toContain("listBillers.ts names no operation");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("quotes in the introduction only code that the samples hold", async () => {
    const intro = String((spec.info as Json).description);
    const blocks = [...intro.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    expect(blocks.length).toBeGreaterThan(0);
    const sources = await Promise.all(
      (await readdir(samplesDir)).map((f) => readFile(join(samplesDir, f), "utf8")),
    );
    for (const block of blocks) expect(sources.some((s) => s.includes(block))).toBe(true);
  });
});

describe("each code sample, run against the sandbox", () => {
  let harness: Harness;
  const args: Record<string, string[]> = {};

  beforeAll(async () => {
    // Payouts stay pending for the run, so that one can still be stopped.
    harness = await startHarness({ settleDelayMs: 60_000 });
    const { pay } = harness;
    // What the lookup samples look up: a payment, a saved bill number and a payment link.
    const payment = await unwrap(pay.POST("/v1/bill-payments", { body: billPayment }));
    await unwrap(
      pay.POST("/v1/bill-numbers", {
        body: { ServiceId: "bc97d2b1-4828-f111-bc5a-0e7d952d79b7", accountNumber: "1111111" },
      }),
    );
    const link = await unwrap(
      pay.POST("/v1/payment-link/create-payment-link", {
        body: { shortCode: "600980", isAmountSpecified: true, amount: 100, currency: "KES" },
      }),
    );
    const payout = (reference: string) =>
      unwrap(
        pay.POST("/v1/payment-order/new-order", {
          body: {
            paymentNotes: "Samples",
            paymentOrderLines: [
              {
                recipient: {
                  name: "Amina Otieno",
                  phoneNumber: "+254712345678",
                  primaryAccountNumber: "254712345678",
                },
                transaction: {
                  routeId: "9b3f6c1e-2d4a-4f8b-a6e5-7c9d0e1f2a3b",
                  channelType: 1,
                  amount: 100,
                  reference,
                },
              },
            ],
          },
        }),
      );
    const [looked, stopped] = [await payout("LOOKED-UP"), await payout("STOPPED")];
    args.findPaymentOrder = [String(looked.message.originatorConversationId)];
    args.rejectPaymentOrder = [String(stopped.message.originatorConversationId)];
    const deposit = await unwrap(
      pay.POST("/v1/express-deposit", {
        body: {
          ShortCode: "600980",
          Amount: 100,
          PhoneNumber: "254710000000",
          TransactionDesc: "Samples",
          CallBackUrl: "http://127.0.0.1:9/deposits",
        },
      }),
    );
    args.findExpressDeposit = [String(deposit.message.originatorConversationId)];
    const validation = await unwrap(
      pay.POST("/v1/account/validate", {
        body: {
          type: 1,
          systemTraceAuditNumber: "samples-account",
          primaryAccountNumber: "254712345678",
          institutionCode: "63902",
          callBackUrl: "http://127.0.0.1:9/validations",
          callBackFormat: "JSON",
        },
      }),
    );
    const kyc = await unwrap(
      pay.POST("/v1/kyc-request/validate", {
        body: {
          routeId: "4c2e8a1b-3d5f-4e6a-8b7c-9d0e1f2a3b4c",
          kycRequestFirstName: "Irina",
          kycRequestLastName: "Muthoni",
          kycRequestNationalID: "23456789",
          kycRequestReportReason: 1,
          systemTraceAuditNumber: "samples-kyc",
        },
      }),
    );
    const airtime = await unwrap(
      pay.POST("/v1/airtime-purchase", {
        body: { recipients: [{ phoneNumber: "254710000000", amount: 50 }] },
      }),
    );
    const checkout = await unwrap(
      pay.POST("/v1/checkout-order/new-order", {
        body: {
          originatorConversationId: "samples-checkout",
          checkoutReference: "SAMPLES",
          checkoutRouteId: "ded81224-70b6-ed11-ad49-0ee00e897f52",
          checkoutRouteChannelType: 172,
          checkoutCurrencyCode: 404,
          checkoutReturnUrl: "http://127.0.0.1:9/return",
          checkoutCallbackUrl: "http://127.0.0.1:9/callback",
          checkoutRequestLines: [{ name: "Shirt", price: 100 }],
        },
      }),
    );
    args.findAirtimePurchase = [String(airtime.message.originatorConversationId)];
    args.findCheckoutOrder = [checkout.originatorConversationId];
    args.findAccountValidation = [validation.systemTraceAuditNumber];
    args.findKycValidation = [kyc.systemTraceAuditNumber];
    args.findBillPayment = [String(payment.message.originatorConversationId)];
    args.findPaymentLink = [String(link.id)];
    args.updatePaymentLink = [String(link.id)];
  });

  afterAll(async () => harness?.sandbox.close());

  it("runs every sample to completion, each making its own call with a 2xx answer", async () => {
    const { sandbox } = harness;
    const env = {
      ...process.env,
      ALMARA_BASE_URL: sandbox.url,
      ALMARA_CLIENT_ID: sandbox.credentials.clientId,
      ALMARA_CLIENT_SECRET: sandbox.credentials.clientSecret,
    };
    const before = sandbox.requests.length; // the setup's own calls do not count
    const results = await Promise.all(
      operations.map(async ({ method, path, operation }) => {
        const id = String(operation.operationId);
        const file = join("openapi", "code-samples", `${id}.ts`);
        const { stdout } = await run("node_modules/.bin/tsx", [file, ...(args[id] ?? [])], {
          cwd: root,
          env,
        }).catch((error: { stderr?: string }) => {
          throw new Error(`${file} failed: ${error.stderr ?? String(error)}`);
        });
        return { id, method: method.toUpperCase(), path, stdout };
      }),
    );
    for (const { id, method, path, stdout } of results) {
      expect(stdout.trim(), `${id} printed nothing`).not.toBe("");
      const calls = sandbox.requests
        .slice(before)
        .filter((r) => r.method === method && r.path === path);
      expect(
        calls.some((r) => r.status >= 200 && r.status < 300),
        `${id}: no ${method} ${path} answered 2xx (${calls.map((r) => r.status).join(", ")})`,
      ).toBe(true);
    }
    // No sample leaks the credentials it was given.
    const printed = results.map((r) => r.stdout).join("\n");
    expect(printed).not.toContain(sandbox.credentials.clientSecret);
  }, 120_000);
});
