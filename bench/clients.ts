/**
 * The clients the benchmark compares, each calling GET /v1/bill-services the way its users would:
 * raw fetch, bare openapi-fetch with a static header, a hand-written axios client with manual
 * token handling, and the SDK (auth and retry layers on).
 */
import axios from "axios";
import createClient from "openapi-fetch";
import type { createAlmaraPay, FetchLike } from "../src/index.js";
import type { paths } from "../src/generated/schema.js";

export interface Target {
  url: string;
  credentials: { clientId: string; clientSecret: string; scope: string };
}

export type Call = () => Promise<unknown>;

/** A token, obtained once, for the clients that take a static header. */
export async function fetchToken(target: Target): Promise<string> {
  const answer = await fetch(`${target.url}/connect/token`, {
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

export function rawFetch(target: Target, token: string, fetchImpl: FetchLike = fetch): Call {
  const url = `${target.url}/v1/bill-services`;
  const headers = { Authorization: `Bearer ${token}` };
  return async () => {
    const answer = await fetchImpl(new Request(url, { headers }));
    return answer.json();
  };
}

export function bareOpenapiFetch(target: Target, token: string, fetchImpl?: FetchLike): Call {
  const client = createClient<paths>({
    baseUrl: target.url,
    headers: { Authorization: `Bearer ${token}` },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return () => client.GET("/v1/bill-services");
}

/** The SDK's factory: the benchmark passes the built package's, as users run it. */
export type CreateAlmaraPay = typeof createAlmaraPay;

export function sdk(create: CreateAlmaraPay, target: Target, fetchImpl?: FetchLike): Call {
  const pay = create({
    baseUrl: target.url,
    ...target.credentials,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return () => pay.GET("/v1/bill-services");
}

/**
 * What integrators typically write by hand: axios, a module-level token, fetched when missing or
 * expired. No single-flight: concurrent first calls each fetch a token.
 */
export function handWrittenAxios(target: Target): Call {
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
  return () => http.get("/v1/bill-services");
}
