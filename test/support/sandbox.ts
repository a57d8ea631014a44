/** Starting the sandbox and an SDK client on it, with every answer checked against the spec. */
import { createServer } from "node:http";
import { afterEach } from "vitest";
import type { AddressInfo } from "node:net";
import { createAlmaraPay, type AlmaraPayClient, type AlmaraPayOptions } from "../../src/index.js";
import {
  createSandbox,
  startSandbox,
  type Sandbox,
  type SandboxHandler,
  type SandboxOptions,
} from "../../src/sandbox/index.js";
import { contractFetch, type ContractCheck } from "./contract-fetch.js";

export interface Harness {
  sandbox: Sandbox;
  pay: AlmaraPayClient;
  contract: ContractCheck;
}

/** How the sandbox is reached: over node:http on 127.0.0.1, or in memory (`createSandbox`). */
export type SandboxMode = "node:http" | "in memory";
export const SANDBOX_MODES: readonly SandboxMode[] = ["node:http", "in memory"];
let mode: SandboxMode = "node:http";

/** The mode `startHarness` uses from now on (a suite runs once per mode). */
export function useSandboxMode(next: SandboxMode): void {
  mode = next;
}

/** The origin an in-memory sandbox answers for. */
const IN_MEMORY = "https://sandbox.almara.test";

/**
 * An in-memory sandbox with `startSandbox`'s shape: `globalThis.fetch` answers its origin through
 * `sandbox.fetch` (every other URL goes to the network), so clients made with its `url` and the
 * global fetch run with no socket, until `close()`.
 */
function inMemorySandbox(options: SandboxOptions): Sandbox {
  const handler = createSandbox(options);
  const network = globalThis.fetch;
  const routed = (input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return request.url.startsWith(`${IN_MEMORY}/`) ? handler.fetch(request) : network(request);
  };
  globalThis.fetch = routed as typeof fetch;
  const { fetch: _fetch, ...controls } = handler;
  return {
    ...controls,
    url: IN_MEMORY,
    async close() {
      if (globalThis.fetch === routed) globalThis.fetch = network;
      await handler.close();
    },
  };
}

export async function startHarness(
  options: SandboxOptions = {},
  client: Partial<AlmaraPayOptions> = {},
): Promise<Harness> {
  const settings: SandboxOptions = {
    settleDelayMs: 20,
    onError: (e) => console.error(e),
    ...options,
  };
  const sandbox = mode === "in memory" ? inMemorySandbox(settings) : await startSandbox(settings);
  const contract = contractFetch();
  const pay = createAlmaraPay({
    baseUrl: sandbox.url,
    ...sandbox.credentials,
    fetch: contract.fetch,
    ...client,
  });
  return { sandbox, pay, contract };
}

export interface Receiver {
  url: string;
  received: unknown[];
  /** Resolves with the next body received (one received earlier and not yet taken first). */
  next(): Promise<unknown>;
  close(): Promise<void>;
}

/** A local HTTP receiver for callbacks. */
export async function startReceiver(): Promise<Receiver> {
  const received: unknown[] = [];
  const waiting: ((body: unknown) => void)[] = [];
  /** How many received bodies `next()` has handed out: a body that came first waits for it. */
  let consumed = 0;
  const server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    request.on("end", () => {
      const body = JSON.parse(text) as unknown;
      received.push(body);
      response.writeHead(200).end();
      const waiter = waiting.shift();
      if (waiter) {
        consumed += 1;
        waiter(body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    received,
    next: () =>
      consumed < received.length
        ? Promise.resolve(received[consumed++])
        : new Promise((resolve, reject) => {
            waiting.push(resolve);
            // A net for a callback that never comes, far above any delivery on a loaded machine.
            setTimeout(() => reject(new Error("no callback within 30 s")), 30_000).unref();
          }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Harnesses and receivers that a test starts, closed after each test:
 * `const use = closedAfterEach();`, then in a test `const h = await use.harness(…)`.
 */
export function closedAfterEach() {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((close) => close()));
  });
  return {
    async harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
      const harness = await startHarness(...args);
      open.push(() => harness.sandbox.close());
      return harness;
    },
    async receiver(): Promise<Receiver> {
      const receiver = await startReceiver();
      open.push(() => receiver.close());
      return receiver;
    },
  };
}

/** A bearer token from a sandbox's fetch handler (its token endpoint, its credentials). */
export async function sandboxToken(
  sandbox: Pick<SandboxHandler, "fetch" | "credentials">,
  base: string,
): Promise<string> {
  const answer = await sandbox.fetch(`${base}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: sandbox.credentials.clientId,
      client_secret: sandbox.credentials.clientSecret,
      grant_type: "client_credentials",
      scope: sandbox.credentials.scope,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}
