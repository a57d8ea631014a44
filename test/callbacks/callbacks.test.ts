import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CallbackError,
  classifyLine,
  parseBillPaymentCallback,
  parsePaymentOrderCallback,
  readCallback,
  unwrap,
} from "../../src/index.js";
import { exceedsUtf8Bytes } from "../../src/callbacks/parse.js";
import { billPayment } from "../support/fixtures.js";
import { startHarness, startReceiver } from "../support/sandbox.js";
import { at } from "../support/spec.js";

const CALLBACK =
  "/paths/~1v1~1bill-payments/post/callbacks/billPaymentResult/{$request.body#~1callBackUrl}/post";
const example = (
  at(`${CALLBACK}/requestBody/content/application~1json/examples/completed`) as {
    value: Record<string, unknown>;
  }
).value;

function rejection(raw: unknown): CallbackError {
  try {
    parseBillPaymentCallback(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackError);
    return error as CallbackError;
  }
  throw new Error("the payload was accepted");
}

describe("parseBillPaymentCallback", () => {
  it("parses the spec's example from text, bytes or a parsed object", () => {
    const text = JSON.stringify(example);
    expect(parseBillPaymentCallback(text)).toEqual(example);
    expect(parseBillPaymentCallback(new TextEncoder().encode(text))).toEqual(example);
    expect(parseBillPaymentCallback(example)).toEqual(example);
  });

  it("parses what the sandbox really posts", async () => {
    const h = await startHarness();
    const receiver = await startReceiver();
    try {
      const next = receiver.next();
      await unwrap(
        h.pay.POST("/v1/bill-payments", {
          body: {
            ...billPayment,
            originatorConversationId: randomUUID(),
            callBackUrl: receiver.url,
          },
        }),
      );
      const event = parseBillPaymentCallback(await next);
      expect(event.statusDescription).toBe("Success");
    } finally {
      await receiver.close();
      await h.sandbox.close();
    }
  });

  it.each([
    [{ ...example, amount: "1500" }, "amount", "must be number"],
    [
      { ...example, originatorConversationId: undefined },
      "originatorConversationId",
      "is required",
    ],
    [
      { ...example, originatorConversationId: "x".repeat(101) },
      "originatorConversationId",
      "must be at most 100 characters",
    ],
    [{ ...example, statusCode: 1.5 }, "statusCode", "must be integer"],
    [{ ...example, receiptNumber: 42 }, "receiptNumber", "must be string or null"],
    [[example], "$", "must be object"],
    [null, "$", "must be object"],
  ])("names the field: %#", (payload, field, reason) => {
    const raw = JSON.stringify(payload);
    const error = rejection(raw);
    expect([error.field, error.reason]).toEqual([field, reason]);
    expect(error.message).toBe(
      `Bill payment callback rejected: ${field === "$" ? "the body" : field} ${reason}`,
    );
  });

  it("refuses text that is not JSON, invalid UTF-8 and oversized bodies", () => {
    expect(rejection("{not json")).toMatchObject({ field: "$", reason: "is not valid JSON" });
    expect(rejection(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({
      field: "$",
      reason: "could not be read",
    });
    expect(rejection("x".repeat(1024 * 1024 + 1))).toMatchObject({
      field: "$",
      reason: "is larger than 1 MiB",
    });
  });
});

describe("the 1 MiB limit of a text body", () => {
  const MiB = 1024 * 1024;

  it("counts UTF-8 bytes, not UTF-16 units", () => {
    // 400,000 "€" are 400,000 units but 1,200,000 bytes.
    const large = JSON.stringify({ ...example, narration: "€".repeat(400_000) });
    expect(large.length).toBeLessThan(MiB);
    expect(rejection(large)).toMatchObject({ field: "$", reason: "is larger than 1 MiB" });
  });

  it("takes exactly 1 MiB, surrogate pairs counted as 4 bytes, and refuses one byte more", () => {
    const room = MiB - Buffer.byteLength(JSON.stringify({ ...example, narration: "" }));
    const narration = "😀".repeat(Math.floor(room / 4)) + "a".repeat(room % 4);
    const fits = JSON.stringify({ ...example, narration });
    expect(Buffer.byteLength(fits)).toBe(MiB);
    expect(parseBillPaymentCallback(fits).narration).toBe(narration);
    expect(rejection(JSON.stringify({ ...example, narration: `${narration}a` }))).toMatchObject({
      reason: "is larger than 1 MiB",
    });
  });

  it("agrees with Buffer.byteLength around the limit, lone surrogates included", () => {
    const pieces = ["a", "é", "€", "😀", "\ud800", "\udfff"];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 200; i++) {
      let text = "";
      while (text.length < 400) text += pieces[Math.floor(random() * pieces.length)];
      const limit = Buffer.byteLength(text) + Math.floor(random() * 5) - 2;
      expect(exceedsUtf8Bytes(text, limit), JSON.stringify(text)).toBe(
        Buffer.byteLength(text) > limit,
      );
    }
  });
});

describe("readCallback", () => {
  it("gives 200 and the typed event, or 400 and the error", () => {
    const good = readCallback(JSON.stringify(example), parseBillPaymentCallback);
    expect(good).toEqual({ ok: true, status: 200, event: example });
    const bad = readCallback("[]", parseBillPaymentCallback);
    expect(bad).toMatchObject({
      ok: false,
      status: 400,
      error: { name: "CallbackError", field: "$" },
    });
  });

  it("turns a parser's unexpected throw into a CallbackError", () => {
    const result = readCallback("{}", () => {
      throw new TypeError("boom");
    });
    expect(result).toMatchObject({
      ok: false,
      status: 400,
      error: { name: "CallbackError", reason: "could not be read" },
    });
  });
});

describe("parsePaymentOrderCallback", () => {
  const webhook = (
    at(
      "/webhooks/paymentOrderResult/post/requestBody/content/application~1json/examples/failed",
    ) as { value: Record<string, unknown> }
  ).value;

  it("parses the spec's webhook example, and classifyLine says what its line means", () => {
    const parsed = parsePaymentOrderCallback(JSON.stringify(webhook));
    expect(parsed).toEqual(webhook);
    const [line] = parsed.orderLines.map(classifyLine);
    expect(line?.state === "failed" && line.result.action).toBe("retry-with-new-id");
  });

  it("names the field that breaks the shape", () => {
    const broken = structuredClone(webhook) as {
      orderLines: { transactionOutcome: Record<string, unknown> }[];
    };
    broken.orderLines[0]!.transactionOutcome.transactionStatus = "Failed";
    const error = (() => {
      try {
        parsePaymentOrderCallback(broken);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CallbackError);
    expect((error as CallbackError).message).toContain(
      "orderLines.0.transactionOutcome.transactionStatus",
    );
  });
});
