/**
 * The clients the benchmark compares, each making the two calls the way its users would — a read
 * (`GET /v1/bill-services`) and a bill payment (`POST /v1/bill-payments`, a fresh
 * `originatorConversationId` each time) — with a bearer token: `fetch(url, init)` (the raw
 * baseline), undici's `request` (Node's fastest client, the floor), bare openapi-fetch with a
 * static header, the hey-api fetch client generated from our spec, ky, a hand-written axios client
 * with manual token handling, and the SDK (auth and retry layers on).
 */
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createClient as generateHeyApi } from "@hey-api/openapi-ts";
import axios from "axios";
import ky from "ky";
import createClient from "openapi-fetch";
import { request as undiciRequest } from "undici";
import type { createAlmaraPay, FetchLike } from "../src/index.js";
import type { paths } from "../src/generated/schema.js";
import { billPayment } from "../test/support/fixtures.js";

export interface Target {
  url: string;
  credentials: { clientId: string; clientSecret: string; scope: string };
}

export type Call = () => Promise<unknown>;

/** A client's two calls. */
export interface Contender {
  get: Call;
  post: Call;
}

/** A payment body under a fresh id: every client pays the same bill, once per call. */
const payment = () => ({ ...billPayment, originatorConversationId: randomUUID() });

/** A token, obtained once, for the clients that take a static header. */
export async function fetchToken(target: Target, fetchImpl: typeof fetch = fetch): Promise<string> {
  const answer = await fetchImpl(`${target.url}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: target.credentials.clientId,
      client_secret: target.credentials.clientSecret,
      grant_type: "client_credentials",
      scope: target.credentials.scope,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

/** `fetch(url, init)`: the raw baseline (not `fetch(new Request(…))`, which costs more). */
export function rawFetch(
  target: Target,
  token: string,
  fetchImpl: typeof fetch = fetch,
): Contender {
  const headers = { Authorization: `Bearer ${token}` };
  const json = { ...headers, "Content-Type": "application/json" };
  return {
    get: async () => (await fetchImpl(`${target.url}/v1/bill-services`, { headers })).json(),
    post: async () =>
      (
        await fetchImpl(`${target.url}/v1/bill-payments`, {
          method: "POST",
          headers: json,
          body: JSON.stringify(payment()),
        })
      ).json(),
  };
}

/** undici's `request`: no fetch spec machinery at all. */
export function undici(target: Target, token: string): Contender {
  const headers = { authorization: `Bearer ${token}` };
  return {
    get: async () =>
      (await undiciRequest(`${target.url}/v1/bill-services`, { headers })).body.json(),
    post: async () =>
      (
        await undiciRequest(`${target.url}/v1/bill-payments`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(payment()),
        })
      ).body.json(),
  };
}

export function bareOpenapiFetch(target: Target, token: string, fetchImpl?: FetchLike): Contender {
  const client = createClient<paths>({
    baseUrl: target.url,
    headers: { Authorization: `Bearer ${token}` },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return {
    get: () => client.GET("/v1/bill-services"),
    post: () => client.POST("/v1/bill-payments", { body: payment() }),
  };
}

interface HeyApi {
  createClient(config: {
    baseUrl: string;
    headers: Record<string, string>;
    fetch?: FetchLike;
  }): unknown;
  findBillServices(options: { client: unknown }): Promise<unknown>;
  postBillPayment(options: { client: unknown; body: unknown }): Promise<unknown>;
}
let heyApi: Promise<HeyApi> | undefined;

/** The hey-api fetch client, generated from our bundled spec into node_modules/.cache once. */
async function loadHeyApi(root: string): Promise<HeyApi> {
  const output = join(root, "node_modules", ".cache", "almara-bench-hey-api");
  await mkdir(output, { recursive: true });
  await generateHeyApi({
    input: join(root, "src", "generated", "openapi.json"),
    output,
    plugins: ["@hey-api/client-fetch", "@hey-api/sdk"],
    logs: { level: "silent" },
  } as never);
  const sdk = (await import(pathToFileURL(join(output, "sdk.gen.ts")).href)) as HeyApi;
  const client = (await import(pathToFileURL(join(output, "client", "index.ts")).href)) as {
    createClient: HeyApi["createClient"];
  };
  return { ...sdk, createClient: client.createClient };
}

export async function heyApiClient(
  root: string,
  target: Target,
  token: string,
  fetchImpl?: FetchLike,
): Promise<Contender> {
  const api = await (heyApi ??= loadHeyApi(root));
  const client = api.createClient({
    baseUrl: target.url,
    headers: { Authorization: `Bearer ${token}` },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return {
    get: () => api.findBillServices({ client }),
    post: () => api.postBillPayment({ client, body: payment() }),
  };
}

export function kyClient(target: Target, token: string, fetchImpl?: FetchLike): Contender {
  const http = ky.create({
    prefixUrl: target.url,
    headers: { Authorization: `Bearer ${token}` },
    retry: 0,
    ...(fetchImpl ? { fetch: fetchImpl as typeof fetch } : {}),
  });
  return {
    get: () => http.get("v1/bill-services").json(),
    post: () => http.post("v1/bill-payments", { json: payment() }).json(),
  };
}

/** The SDK's factory: the benchmark passes the built package's, as users run it. */
export type CreateAlmaraPay = typeof createAlmaraPay;

export function sdk(create: CreateAlmaraPay, target: Target, fetchImpl?: FetchLike): Contender {
  const pay = create({
    baseUrl: target.url,
    ...target.credentials,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return {
    get: () => pay.GET("/v1/bill-services"),
    // The SDK makes the id itself, as its users let it.
    post: () => {
      const { originatorConversationId: _id, ...body } = payment();
      return pay.POST("/v1/bill-payments", { body });
    },
  };
}

/**
 * What integrators typically write by hand: axios, a module-level token, fetched when missing or
 * expired. No single-flight: concurrent first calls each fetch a token.
 */
export function handWrittenAxios(target: Target): Contender {
  const http = axios.create({ baseURL: target.url });
  let token: { value: string; expiresAt: number } | undefined;
  async function getToken(): Promise<string> {
    if (token && Date.now() < token.expiresAt - 60_000) return token.value;
    const { data } = await axios.post<{ access_token: string; expires_in: number }>(
      `${target.url}/connect/token`,
      new URLSearchParams({
        client_id: target.credentials.clientId,
        client_secret: target.credentials.clientSecret,
        grant_type: "client_credentials",
        scope: target.credentials.scope,
      }),
    );
    token = { value: data.access_token, expiresAt: Date.now() + data.expires_in * 1000 };
    return token.value;
  }
  http.interceptors.request.use(async (config) => {
    config.headers.Authorization = `Bearer ${await getToken()}`;
    return config;
  });
  return {
    get: () => http.get("/v1/bill-services"),
    post: () => http.post("/v1/bill-payments", payment()),
  };
}
