/**
 * The contract between the sandbox and its handlers: what a handler is given (the request's
 * parsed body and query, the state, the settlement scheduler) and what it returns (an answer).
 * Requests reach handlers already authenticated and valid.
 */
import type { Answer } from "../answers.js";
import type { SandboxState } from "../state.js";

export interface HandlerContext {
  body: unknown;
  query: URLSearchParams;
  state: SandboxState;
  credentials: { clientId: string; clientSecret: string; scope: string };
  tokenLifetimeSeconds: number;
  /**
   * After the settle delay, runs `settle` (which applies the outcome) and delivers the callback
   * it returns. `key` identifies what is pending.
   */
  schedule(key: object, settle: () => Callback | readonly Callback[] | undefined): void;
  /** Forgets a pending settlement (a payout that was stopped). */
  cancelSettlement(key: object): void;
  /** The payout webhook URL (the dashboard setting), if any. */
  webhookUrl: string | undefined;
  /** The sandbox's own URL (for the checkout page it names). */
  baseUrl: string;
}

/** A callback to POST: where, what, and the transaction it is about. */
export interface Callback {
  url: string | undefined;
  body: unknown;
  originatorConversationId: string;
}

export type Handler = (ctx: HandlerContext) => Answer;
