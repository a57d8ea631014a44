/**
 * The sandbox's options, checked once when it is made: an unknown key or a value of the wrong
 * kind is a TypeError or RangeError naming it, instead of a sandbox that misbehaves later (a
 * `callbackHosts` string matching nothing, a `port` that is no port, a zero token lifetime that
 * issues tokens already expired).
 */
import { checkOptionKeys, MAX_TIMEOUT_MS } from "../client/option-checks.js";
import type { SandboxOptions } from "./types.js";

const KNOWN = [
  ...["port", "tokenLifetimeSeconds", "settleDelayMs", "webhookUrl", "credentials"],
  ...["callbackHosts", "deliverCallback", "cors", "onError"],
];
const CREDENTIALS = new Set(["clientId", "clientSecret", "scope"]);

function fail(name: string, what: string): never {
  throw new TypeError(`almara-pay/sandbox: options.${name} must be ${what}`);
}

function isAbsoluteUrl(value: unknown): boolean {
  try {
    return typeof value === "string" && new URL(value).protocol.length > 0;
  } catch {
    return false;
  }
}

export function checkSandboxOptions(options: unknown): SandboxOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError("almara-pay/sandbox: the options must be an object");
  }
  const given = options as Record<string, unknown>;
  checkOptionKeys("the sandbox's", given, KNOWN);
  const { port, tokenLifetimeSeconds, settleDelayMs, webhookUrl, credentials, callbackHosts } =
    given;
  if (
    port !== undefined &&
    (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)
  ) {
    throw new RangeError("almara-pay/sandbox: options.port must be an integer from 0 to 65535");
  }
  // A token's lifetime and a settlement's delay are each held by a timer (2^31 - 1 ms at most).
  if (
    tokenLifetimeSeconds !== undefined &&
    (typeof tokenLifetimeSeconds !== "number" ||
      !Number.isInteger(tokenLifetimeSeconds) ||
      tokenLifetimeSeconds < 1 ||
      tokenLifetimeSeconds > 2_147_483)
  ) {
    throw new RangeError(
      "almara-pay/sandbox: options.tokenLifetimeSeconds must be a whole number of seconds from 1 to 2147483",
    );
  }
  if (
    settleDelayMs !== undefined &&
    (typeof settleDelayMs !== "number" || !(settleDelayMs >= 0) || settleDelayMs > MAX_TIMEOUT_MS)
  ) {
    throw new RangeError(
      `almara-pay/sandbox: options.settleDelayMs must be a number from 0 to ${MAX_TIMEOUT_MS}`,
    );
  }
  if (webhookUrl !== undefined && !isAbsoluteUrl(webhookUrl)) fail("webhookUrl", "an absolute URL");
  if (credentials !== undefined) {
    if (typeof credentials !== "object" || credentials === null) fail("credentials", "an object");
    for (const [key, value] of Object.entries(credentials)) {
      if (!CREDENTIALS.has(key)) fail(`credentials.${key}`, "one of clientId, clientSecret, scope");
      if (value !== undefined && (typeof value !== "string" || value === "")) {
        fail(`credentials.${key}`, "a non-empty string");
      }
    }
  }
  if (
    callbackHosts !== undefined &&
    (!Array.isArray(callbackHosts) || callbackHosts.some((host) => typeof host !== "string"))
  ) {
    fail("callbackHosts", 'a list of host names, such as ["127.0.0.1", "localhost"]');
  }
  for (const name of ["deliverCallback", "onError"] as const) {
    if (given[name] !== undefined && typeof given[name] !== "function") fail(name, "a function");
  }
  const { cors } = given;
  if (
    cors !== undefined &&
    cors !== false &&
    cors !== "*" &&
    typeof cors !== "function" &&
    !Array.isArray(cors)
  ) {
    fail("cors", 'a list of origins, a function, "*" or false');
  }
  return given as SandboxOptions;
}
