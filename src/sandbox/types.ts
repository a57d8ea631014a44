/** The sandbox's public shapes: its options, what it logs and records, and its controls. */
import type { Fault } from "./faults.js";

export interface SandboxOptions {
  /** Port on 127.0.0.1 (`startSandbox` only). @default 0 (an ephemeral port) */
  port?: number;
  /** Lifetime of issued tokens in seconds. @default 3600 */
  tokenLifetimeSeconds?: number;
  /** How long a bill payment or payout stays pending before it completes or fails. @default 1000 */
  settleDelayMs?: number;
  /**
   * Where payout results are POSTed: the webhook URL the real API takes from the dashboard.
   * @default undefined (results are only looked up)
   */
  webhookUrl?: string;
  /** Credentials the token endpoint accepts. @default { clientId: "sandbox-client", clientSecret: "sandbox-secret", scope: "PyPay_api" } */
  credentials?: Partial<SandboxCredentials>;
  /**
   * Hosts callbacks may be delivered to over the network. A local simulator posts only to this
   * machine unless told otherwise. @default ["127.0.0.1", "localhost", "[::1]"]
   */
  callbackHosts?: readonly string[];
  /**
   * Delivers callbacks instead of the network: each is handed over as the POST the API would
   * make (your app's own fetch handler, say), whatever its host; the answer's status is recorded.
   * @default undefined (POSTed with fetch, to `callbackHosts` only, never following a redirect)
   */
  deliverCallback?: (request: Request) => Response | Promise<Response>;
  /**
   * Which page origins may call the sandbox from a browser (CORS, preflight included): a list
   * of origins, a test, `"*"` for any, or `false` for none. @default loopback origins (any port)
   */
  cors?: readonly string[] | ((origin: string) => boolean) | "*" | false;
  /** Told of a failure inside the sandbox (answered 500). @default console.error */
  onError?: (error: unknown) => void;
}

export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  scope: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** The status answered; -1 when the connection was reset instead, 0 until answered. */
  status: number;
  operationId?: string;
  originatorConversationId?: string;
}

/** A money-moving transaction the sandbox recorded (what a double payment would show twice). */
export interface RecordedTransaction {
  operationId:
    "postBillPayment" | "createPaymentOrder" | "createExpressDeposit" | "purchaseAirtime";
  originatorConversationId: string;
}

export interface CallbackDelivery {
  url: string;
  originatorConversationId: string;
  /** Status the receiver answered, when it answered. */
  status?: number;
  /** Why it was not delivered. */
  error?: string;
}

/** What every form of the sandbox offers besides answering requests. */
export interface SandboxControls {
  readonly credentials: SandboxCredentials;
  /** Every request received, in order (at least the most recent 10,000, at most 11,000). */
  readonly requests: readonly LoggedRequest[];
  /** Every callback attempted, in order (at least the most recent 10,000, at most 11,000). */
  readonly callbacks: readonly CallbackDelivery[];
  /** Makes the next `times` requests to an operation (`operationId` or `"POST /v1/…"`) misbehave. */
  injectFault(operation: string, fault: Fault, times?: number): void;
  /** Every money-moving transaction recorded (bill payments, payouts, express deposits, airtime). */
  transactions(): RecordedTransaction[];
  /** Ends every `hangMs` hold now: the held requests are handled and answered. */
  releaseHangs(): void;
  /** Makes every issued token invalid, as if they had expired (the next call meets a 401). */
  revokeTokens(): void;
  /** Settles every pending payment now and waits for their callbacks. */
  settleAll(): Promise<void>;
  /**
   * Stops the sandbox: held requests end, pending settlements are dropped, and the promise
   * resolves once every request being handled has finished and no timer is left.
   */
  close(): Promise<void>;
}

/**
 * The sandbox as a fetch handler: no socket. Pass `sandbox.fetch` as the SDK's `fetch`, hand it
 * to MSW, or serve it with `Deno.serve`, `Bun.serve` or a Worker's `fetch`.
 */
export interface SandboxHandler extends SandboxControls {
  /** Answers a request as the API would (the signature of `fetch`, so it can stand in for it). */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
}

/** The sandbox on a node:http server on 127.0.0.1. */
export interface Sandbox extends SandboxControls {
  /** Base URL, for example `http://127.0.0.1:40123`. */
  readonly url: string;
}
