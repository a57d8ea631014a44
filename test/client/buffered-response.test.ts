/** Answers the transport read into memory still behave as Responses to every reader. */
import { describe, expect, it } from "vitest";
import { bufferedResponse } from "../../src/pipeline/buffered-response.js";

const bytes = new TextEncoder().encode('{"amount":1500}');
const init = { status: 200, statusText: "OK", headers: { "content-type": "application/json" } };

describe("buffered answers", () => {
  it("serves text, json, arrayBuffer, bytes and blob from the buffer", async () => {
    await expect(bufferedResponse(bytes, init).text()).resolves.toBe('{"amount":1500}');
    await expect(bufferedResponse(bytes, init).json()).resolves.toEqual({ amount: 1500 });
    const buffer = await bufferedResponse(bytes, init).arrayBuffer();
    expect(new TextDecoder().decode(buffer)).toBe('{"amount":1500}');
    const withBytes = bufferedResponse(bytes, init) as Response & { bytes(): Promise<Uint8Array> };
    await expect(withBytes.bytes()).resolves.toEqual(new Uint8Array(bytes));
    const blob = await bufferedResponse(bytes, init).blob();
    expect([blob.type, await blob.text()]).toEqual(["application/json", '{"amount":1500}']);
  });

  it("keeps status, status text and headers", () => {
    const response = bufferedResponse(bytes, init);
    expect([response.status, response.statusText, response.ok]).toEqual([200, "OK", true]);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response).toBeInstanceOf(Response);
  });

  it("is read once, like any body, and says so", async () => {
    const response = bufferedResponse(bytes, init);
    expect(response.bodyUsed).toBe(false);
    await response.json();
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
  });

  it("streams its body on demand, and a streamed body counts as used", async () => {
    const response = bufferedResponse(bytes, init);
    const text = await new Response(response.body).text();
    expect(text).toBe('{"amount":1500}');
    expect(response.bodyUsed).toBe(true);
    expect(bufferedResponse(new Uint8Array(), init).body).toBeNull();
  });

  it("hands the parse it was given to the first json(), and clones parse their own", async () => {
    const parsed = { amount: 1500 };
    const response = bufferedResponse(bytes, init, { text: '{"amount":1500}', json: parsed });
    const copy = response.clone();
    await expect(response.json()).resolves.toBe(parsed);
    const own = await copy.json();
    expect(own).toEqual(parsed);
    expect(own).not.toBe(parsed);
  });
});
