/**
 * The secrets suite: no client secret and no access token in any error, `{ error }` value, log
 * line, `JSON.stringify`, `util.inspect` or sandbox output — across every fault the sandbox can
 * inject, servers and fetches that echo what they were sent, secrets full of regex
 * metacharacters, reserved URL characters and non-ASCII, and more than 100 token refreshes per
 * client. Prints `N scenarios, 0 leaks`.
 */
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  createAlmaraPay,
  unwrap,
  type AlmaraPayClient,
  type FetchResult,
  type Logger,
} from "../../src/index.js";
import { startSandbox, type Fault, type Sandbox } from "../../src/sandbox/index.js";
import { billPayment } from "../support/fixtures.js";

const SECRETS = [
  String.raw`re.ge*x+me?ta(ch)[ar]{s}|^$\-and-more`,
  `p@ss/w?rd#&=+;,:% 20~'"<>-reserved`,
  "sécrét-ключ-秘密-🔑-naïve-ü",
];

/** Every form a secret could be echoed in. */
function formsOf(value: string, clientId: string): string[] {
  const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
    b64(`${clientId}:${value}`),
  ];
}

/** Every form of every serialisation of a value (an error with its causes, a result, fields). */
function serialised(value: unknown): string {
  const out = [inspect(value, { depth: Infinity, showHidden: true })];
  try {
    out.push(JSON.stringify(value) ?? "");
  } catch (error) {
    out.push(`unserialisable: ${String(error)}`);
  }
  if (value instanceof Error) {
    out.push(String(value), value.message, value.stack ?? "");
    for (let c = value.cause, n = 0; c !== undefined && n < 200; n++) {
      out.push(String(c), inspect(c, { depth: Infinity, showHidden: true }));
      c = (c as { cause?: unknown }).cause;
    }
  }
  return out.join("\n");
}

interface Run {
  secret: string;
  sandbox: Sandbox;
  pay: AlmaraPayClient;
  /** Tokens the sandbox issued, read off the token answers. */
  tokens: string[];
  /** What the scenario makes of an API answer or a send (undefined: the sandbox's own answer). */
  hostile: ((request: Request, auth: string) => Promise<Response> | Response) | undefined;
  outputs: string[];
  sandboxErrors: unknown[];
}

const tally = { scenarios: 0, leaks: 0, refreshes: 0, problems: [] as string[] };

function recordingLogger(outputs: string[]): Logger {
  const write = (message: string, fields?: Record<string, unknown>) =>
    outputs.push(message, serialised(fields));
  return { debug: write, info: write, warn: write, error: write };
}

async function setUp(secret: string): Promise<Run> {
  const sandboxErrors: unknown[] = [];
  const sandbox = await startSandbox({
    settleDelayMs: 5,
    credentials: { clientSecret: secret },
    onError: (error) => sandboxErrors.push(error),
  });
  const run: Run = {
    secret,
    sandbox,
    tokens: [],
    hostile: undefined,
    outputs: [],
    sandboxErrors,
    pay: undefined as unknown as AlmaraPayClient,
  };
  run.pay = createAlmaraPay({
    baseUrl: sandbox.url,
    ...sandbox.credentials,
    timeoutMs: 300,
    maxResponseBytes: 64 * 1024,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    logger: recordingLogger(run.outputs),
    fetch: async (request, init) => {
      const sent = new Request(request, init);
      if (new URL(sent.url).pathname === "/connect/token") {
        const answer = await fetch(sent);
        const token = ((await answer.clone().json()) as { access_token?: string }).access_token;
        if (token) run.tokens.push(token);
        return answer;
      }
      const auth = sent.headers.get("authorization") ?? "";
      return run.hostile ? run.hostile(sent, auth) : fetch(sent);
    },
  });
  return run;
}

/** One scenario: the call, every output scanned for every secret form and token. */
async function scenario(run: Run, label: string, call: () => Promise<unknown>): Promise<void> {
  const before = run.tokens.length;
  // A fresh token for every scenario: the sandbox forgets the old one, and so does the client.
  run.sandbox.revokeTokens();
  await run.pay.tokenProvider.invalidate();
  let outcome: unknown;
  try {
    const result = await call();
    outcome = result;
    if (result && typeof result === "object" && "response" in result) {
      const { data, error } = result as FetchResult;
      outcome = { data, error };
      // unwrap's error too, when the answer was one
      if (error !== undefined)
        outcome = [outcome, await unwrap(result as FetchResult).catch((e: unknown) => e)];
    }
  } catch (error) {
    outcome = error;
  }
  run.sandbox.releaseHangs();
  tally.scenarios += 1;
  tally.refreshes += run.tokens.length - before;
  const texts = [
    serialised(outcome),
    ...run.outputs.splice(0),
    JSON.stringify(run.sandbox.requests),
    inspect(run.sandbox.requests, { depth: Infinity }),
    JSON.stringify(run.sandbox.callbacks),
    ...run.sandboxErrors.splice(0).map(serialised),
  ].join("\n");
  const forbidden = [...formsOf(run.secret, run.sandbox.credentials.clientId), ...run.tokens];
  for (const secret of forbidden) {
    if (texts.includes(secret)) {
      tally.leaks += 1;
      tally.problems.push(`${label}: leaked ${JSON.stringify(secret.slice(0, 12))}…`);
    }
  }
}

const FAULTS: Fault[] = [
  { status: 500 },
  { status: 500, after: true },
  { status: 503, after: true },
  { status: 429, retryAfter: 0 },
  { status: 401, after: true },
  { status: 400, after: true },
  { hangMs: 600 },
  { reset: "before" },
  { reset: "after" },
  { malformed: true },
  { malformed: true, after: true },
  { html: 200, after: true },
  { html: 502, after: true },
  { empty: true, after: true },
  { empty: true, contentType: null, after: true },
  { raw: "OK", contentType: "text/plain", after: true },
  { raw: "null", contentType: "application/json", after: true },
  { oversized: 1024 * 1024, after: true },
];

const CALLS: Record<string, (pay: AlmaraPayClient) => Promise<unknown>> = {
  "POST /v1/bill-payments": (pay) =>
    pay.POST("/v1/bill-payments", {
      body: { ...billPayment, originatorConversationId: undefined },
    }),
  "GET /v1/bill-services": (pay) => pay.GET("/v1/bill-services"),
};

/** Answers and failures that echo what they were sent, in every place an error keeps text. */
function echoes(
  run: Run,
): Record<string, (request: Request, auth: string) => Promise<Response> | Response> {
  const token = (auth: string) => auth.replace(/^Bearer /, "");
  const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json", ...headers },
    });
  const deep = (auth: string): unknown => {
    let value: unknown = { auth, secret: run.secret };
    for (let i = 0; i < 300; i++) value = { value, [token(auth)]: i };
    return value;
  };
  return {
    "a ProblemDetails echoing the token in every field": (_, auth) =>
      json(
        {
          title: `token ${auth} refused; secret ${run.secret}`,
          status: 400,
          traceId: token(auth),
          errors: { [token(auth)]: [auth, run.secret], [run.secret]: ["x"] },
        },
        400,
        { "x-request-id": token(auth), "www-authenticate": `Bearer ${token(auth)}` },
      ),
    "a domain error echoing the token": (_, auth) =>
      json(
        {
          appDomainName: "Bills",
          timestamp: "2026-01-01T00:00:00Z",
          errors: [{ field: token(auth), message: `${auth} ${run.secret}` }],
        },
        400,
      ),
    "an OAuth-style 401 echoing the token, twice": (_, auth) =>
      json({ error: "invalid_token", error_description: `token ${token(auth)}` }, 401),
    "a body 300 levels deep holding the token": (_, auth) => json(deep(auth), 422),
    "a 500 whose status text and body echo the token": (_, auth) =>
      new Response(`upstream rejected ${auth}`, {
        status: 500,
        statusText: `Bad ${token(auth)}`,
        headers: { "Content-Type": "text/plain" },
      }),
    "a 2xx with broken JSON quoting the token": (_, auth) =>
      new Response(`{"token": "${token(auth)}", oops`, {
        status: 200,
        headers: { "Content-Type": "application/json" },
      }),
    "a fetch failure quoting the token in its message, causes and fields": (_, auth) => {
      let cause: Error = Object.assign(new Error(`root ${auth}`), {
        code: "ECONNRESET",
        config: { headers: { Authorization: auth }, data: run.secret },
      });
      for (let i = 0; i < 40; i++) cause = new Error(`level ${i} ${token(auth)}`, { cause });
      const failure = new AggregateError([cause, new Error(run.secret)], `fetch failed ${auth}`, {
        cause,
      });
      return Promise.reject(Object.assign(failure, { request: { auth } }));
    },
    "a fetch failure whose getter would show the token": (_, auth) => {
      const failure = new TypeError("fetch failed");
      Object.defineProperty(failure, "details", { get: () => auth, enumerable: true });
      return Promise.reject(failure);
    },
  };
}

/** Token endpoints that echo the form, or hand out tokens a header cannot carry. */
const TOKEN_ENDPOINTS: Record<string, (body: string, secret: string) => Response> = {
  "a refusal echoing the form body": (body) =>
    new Response(JSON.stringify({ error: "invalid_client", error_description: body }), {
      status: 401,
      headers: { "Content-Type": "application/json" },
    }),
  "a refusal echoing the secret in a header and as text": (body, secret) =>
    new Response(`bad ${body} ${secret}`, {
      status: 400,
      headers: { "x-debug": encodeURIComponent(secret), "Content-Type": "text/plain" },
    }),
  "a redirect elsewhere carrying the secret": (_, secret) =>
    new Response(null, {
      status: 307,
      headers: { Location: `http://127.0.0.1:9/steal?s=${encodeURIComponent(secret)}` },
    }),
  "a token a header cannot carry, holding the secret": (_, secret) =>
    new Response(
      JSON.stringify({
        access_token: `eyJ.${encodeURIComponent(secret)}\r\nX: ${secret}`,
        expires_in: 3600,
        token_type: "Bearer",
      }),
      { headers: { "Content-Type": "application/json" } },
    ),
  "an answer that is not JSON, quoting the secret": (body) =>
    new Response(`{"access_token": "${body}`, {
      headers: { "Content-Type": "application/json" },
    }),
};

describe.each(SECRETS)("secret %j", (secret) => {
  it("leaks nowhere across the fault matrix, echoing servers and fetches, and 100+ refreshes", async () => {
    const run = await setUp(secret);
    try {
      for (const [name, call] of Object.entries(CALLS)) {
        for (const fault of FAULTS) {
          run.sandbox.injectFault(name, fault);
          await scenario(run, `${name} × ${JSON.stringify(fault)}`, () => call(run.pay));
        }
      }
      for (let round = 0; round < 4; round++) {
        for (const [label, answer] of Object.entries(echoes(run))) {
          run.hostile = answer;
          for (const [name, call] of Object.entries(CALLS)) {
            await scenario(run, `${name} × ${label}`, () => call(run.pay));
          }
          run.hostile = undefined;
        }
      }
      for (const [label, answer] of Object.entries(TOKEN_ENDPOINTS)) {
        const outputs: string[] = [];
        const pay = createAlmaraPay({
          baseUrl: run.sandbox.url,
          ...run.sandbox.credentials,
          logger: recordingLogger(outputs),
          fetch: async (request, init) => {
            const sent = new Request(request, init);
            return answer(await sent.text(), secret);
          },
        });
        const error = await pay.GET("/v1/bill-services").catch((e: unknown) => e);
        expect(error, label).toMatchObject({ name: "AuthenticationError" });
        run.outputs.push(...outputs);
        await scenario(run, `token endpoint: ${label}`, async () => error);
      }
      expect(run.tokens.length, "token refreshes of this client").toBeGreaterThan(100);
    } finally {
      await run.sandbox.close();
    }
  });
});

afterAll(() => {
  console.log(
    `secrets: ${tally.scenarios} scenarios, ${tally.leaks} leaks (${tally.refreshes} token refreshes)`,
  );
  expect(tally.problems).toEqual([]);
  expect(tally.leaks).toBe(0);
  expect(tally.scenarios).toBeGreaterThan(300);
});
