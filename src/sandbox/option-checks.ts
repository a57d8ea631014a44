/**
 * The sandbox's options, checked once when it is made: an unknown key or a value of the wrong
 * kind is a TypeError or RangeError naming it, instead of a sandbox that misbehaves later (a
 * `callbackHosts` string matching nothing, a `port` that is no port, a zero token lifetime that
 * issues tokens already expired).
 */
import type { SandboxOptions } from "./types.js";

const KNOWN = new Set<string>([
  ...["port", "tokenLifetimeSeconds", "settleDelayMs", "webhookUrl", "credentials"],
  ...["callbackHosts", "deliverCallback", "cors", "onError"],
]);
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
  for (const key of Object.keys(given)) {
    if (!KNOWN.has(key)) {
      throw new TypeError(`almara-pay/sandbox: options.${key} is not an option of the sandbox`);
    }
  }
  const { port, tokenLifetimeSeconds, webhookUrl, credentials, callbackHosts } = given;
  if (
    port !== undefined &&
    (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)
  ) {
    throw new RangeError("almara-pay/sandbox: options.port must be an integer from 0 to 65535");
  }
  if (
    tokenLifetimeSeconds !== undefined &&
    (typeof tokenLifetimeSeconds !== "number" ||
      !Number.isInteger(tokenLifetimeSeconds) ||
      tokenLifetimeSeconds < 1)
  ) {
    // (The upper bound, a timer's longest delay, is checked where the lifetime is used.)
    throw new RangeError(
      "almara-pay/sandbox: options.tokenLifetimeSeconds must be a whole number of seconds, at least 1",
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
