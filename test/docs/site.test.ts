/**
 * The docs site as a reader sees it: built from the spec, served on 127.0.0.1 and opened in
 * headless Chromium. Every operation renders, the TypeScript samples show, search finds an
 * operation, and the page asks nothing of any host but 127.0.0.1.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildDocsSite,
  buildDocsSpec,
  operationsOf,
  type SpecOperation,
} from "../../codegen/docs.js";
import { serveDocs, type DocsServer } from "../../codegen/serve-docs.js";
import { chromiumArgs, ensureChromium } from "../support/chromium.js";

let dir: string;
let server: DocsServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let operations: SpecOperation[];
/** Every URL the page asked for that is not on 127.0.0.1, and every CSP complaint. */
const offsite: string[] = [];
const violations: string[] = [];

/** The operation's title on its page (Redoc's heading, whose accessible name adds a link label). */
function titleOf(summary: string) {
  const exact = new RegExp(`^\\s*${summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
  return page.locator("h1, h2").filter({ hasText: exact }).first();
}

function isLocal(url: string): boolean {
  if (url.startsWith("data:") || url.startsWith("blob:") || url.startsWith("about:")) return true;
  return new URL(url).hostname === "127.0.0.1";
}

beforeAll(async () => {
  const executablePath = await ensureChromium();
  dir = await mkdtemp(join(tmpdir(), "almara-docs-"));
  await buildDocsSite(dir);
  operations = operationsOf(await buildDocsSpec());
  server = await serveDocs(dir);
  browser = await chromium.launch({ executablePath, args: chromiumArgs });
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Every request of the page passes here: a remote one is recorded and never sent.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(server.url);
  await page
    .getByRole("heading", { name: /Almara Pay API/ })
    .first()
    .waitFor();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the docs site", () => {
  it("shows the introduction, the authentication section and the groups in reading order", async () => {
    const menu = page.locator('[data-component-name="Menu/Menu"]').first();
    const entries = await menu.locator('[role="listitem"]').allInnerTexts();
    const position = (text: string) => entries.findIndex((e) => e.split("\n")[0]?.trim() === text);
    const order = ["Quick start", "Authentication", "Getting started", "Authorization", "Platform"]
      .concat(["Payments", "Bill Payments", "Payment Links"])
      .map((text) => [text, position(text)] as const);
    expect(order.filter(([, at]) => at < 0).map(([text]) => text)).toEqual([]);
    const positions = order.map(([, at]) => at);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });

  it("renders every operation of the spec with its TypeScript sample, reached from the sidebar", async () => {
    expect(operations.length).toBeGreaterThanOrEqual(11);
    const menu = page.locator('[data-component-name="Menu/Menu"]').first();
    const tags = [...new Set(operations.map(({ operation }) => (operation.tags as string[])[0]))];
    for (const tag of tags) {
      await menu.getByText(String(tag), { exact: true }).first().click();
      for (const { method, path, operation } of operations) {
        if ((operation.tags as string[])[0] !== tag) continue;
        const summary = String(operation.summary);
        await menu.getByText(summary, { exact: true }).first().click();
        await titleOf(summary)
          .waitFor({ state: "visible", timeout: 5000 })
          .catch(() => expect.fail(`${method.toUpperCase()} ${path} ("${summary}") is not shown`));
        // The operation's own page: its method and path are there too.
        await expect(page.getByText(path, { exact: true }).first().isVisible()).resolves.toBe(true);
        // And its TypeScript sample, on screen: the line that calls it (the token operation's
        // sample asks the SDK's token provider instead).
        const source = (operation["x-codeSamples"] as { source: string }[])[0]!.source;
        const marker = source.includes(`"${path}"`) ? `"${path}"` : "tokenProvider.getToken()";
        await page
          .locator(".panel-request-samples", { hasText: marker })
          .first()
          .waitFor({ state: "visible", timeout: 5000 })
          .catch(() => expect.fail(`${method.toUpperCase()} ${path} shows no TypeScript sample`));
      }
    }
  }, 120_000);

  it("shows the TypeScript sample of an operation first, highlighted and readable", async () => {
    await page.goto(`${server.url}#/bill-payments/postbillpayment`);
    const panel = page.locator(".panel-request-samples").first();
    await panel.waitFor();
    await expect(panel.getByText("TypeScript", { exact: true }).first().isVisible()).resolves.toBe(
      true,
    );
    const code = await panel.locator("pre").first().innerText();
    expect(code).toContain('from "almara-pay"');
    expect(code).toContain('pay.POST("/v1/bill-payments"');
    expect(code).toContain("transactionType: 2");
  });

  it("shows an operation's OAuth 2.0 client-credentials flow: its token URL and scope", async () => {
    await page.goto(`${server.url}#/bill-payments/postbillpayment`);
    await page.getByText("View security details").first().click();
    const flow = page.getByText("Flow type").first();
    await flow.waitFor({ state: "visible", timeout: 5000 });
    // The details as a reader sees them: the flow, then its token URL and the scope it needs.
    const details = await page
      .locator("div", { has: flow })
      .filter({ hasText: "Required scopes" })
      .last() // the innermost: ancestors come first in document order
      .innerText();
    expect(details).toMatch(/Flow type\s+clientCredentials/);
    expect(details).toMatch(/Token URL:\s+\/connect\/token/);
    expect(details).toMatch(/Required scopes\s+PyPay_api/);
  });

  it("finds an operation with the search box", { timeout: 30_000 }, async () => {
    await page.goto(server.url);
    await page.getByText("Search", { exact: false }).first().click();
    const input = page.getByPlaceholder("Search docs...");
    await input.fill("bill services");
    const result = page.getByText("Find bill services", { exact: true }).first();
    await result.waitFor({ timeout: 5000 });
    await result.click();
    await page.waitForURL(/#\/bill-payments\/findbillservices$/, { timeout: 5000 });
    await titleOf("Find bill services").waitFor({ state: "visible", timeout: 5000 });
  });

  it("asked for nothing but 127.0.0.1 while it was read", async () => {
    // Runs last: covers every page the tests above opened.
    expect(offsite).toEqual([]);
    expect(violations).toEqual([]);
  });
});
