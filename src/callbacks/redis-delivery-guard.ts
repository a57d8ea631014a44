/**
 * A callback delivery guard shared by every process through Redis (from `almara-pay/redis`), so
 * that a callback delivered to two instances of your server — or redelivered after a restart —
 * is processed once. Like the Redis token cache, it drives your own Redis client through one
 * `command` function:
 *
 * ```ts
 * createRedisDeliveryGuard({ command: (args) => redis.sendCommand(args) }); // node-redis
 * createRedisDeliveryGuard({ command: ([name, ...rest]) => ioredis.call(name!, ...rest) }); // ioredis
 * ```
 *
 * A claim is `SET key claimed:<token> NX PX <leaseMs>`; completing is `SET key done PX <ttlMs>`;
 * releasing deletes the key only while it still holds the claim's token (one EVAL).
 */
import { checkOptionKeys } from "../client/option-checks.js";
import { checkTimes, type CallbackDeliveryGuard, type DeliveryClaim } from "./delivery-guard.js";
import { commandTimeout, createRedisSend, replyText } from "../auth/redis-command.js";

/**
 * Options of `createRedisDeliveryGuard`.
 *
 * @example
 * const options: RedisDeliveryGuardOptions = {
 *   command: ([name, ...rest]) => ioredis.call(name!, ...rest),
 *   keyPrefix: "shop:callbacks:",
 * };
 */
export interface RedisDeliveryGuardOptions {
  /** Sends one Redis command (`["SET", key, value, …]`) and resolves to Redis's reply. */
  command(args: string[]): Promise<unknown>;
  /** Prepended to every delivery key. @default "almara-pay:callback:" */
  keyPrefix?: string;
  /** How long a processed key is remembered. @default 604800000 (7 days) */
  ttlMs?: number;
  /** How long a claim is held while its handler runs (then it lapses). @default 300000 (5 min) */
  leaseMs?: number;
  /**
   * A command that has not answered by then fails (and `processOnce` with it, before the handler
   * runs: answer 5xx and the API sends the callback again). @default 1000
   */
  commandTimeoutMs?: number;
}

/** Extends KEYS[1] by ARGV[2] ms only while it still holds the claim ARGV[1]. */
const RENEW =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

/** Deletes KEYS[1] only while it still holds the claim ARGV[1]. */
const RELEASE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

const DONE = "done";

/**
 * A `CallbackDeliveryGuard` in Redis, for `processOnce`.
 *
 * @throws TypeError / RangeError naming the option that is not valid.
 * @example
 * import { createRedisDeliveryGuard } from "almara-pay/redis";
 * const guard = createRedisDeliveryGuard({ command: (args) => redis.sendCommand(args) });
 * await processOnce(guard, callbackKey("bill-payment", event), () => settle(event));
 */
export function createRedisDeliveryGuard(
  options: RedisDeliveryGuardOptions,
): CallbackDeliveryGuard {
  const name = "createRedisDeliveryGuard";
  if (typeof options?.command !== "function") {
    throw new TypeError(`almara-pay: ${name} options.command must be a function`);
  }
  checkOptionKeys(name, options, ["command", "keyPrefix", "ttlMs", "leaseMs", "commandTimeoutMs"]);
  const { ttlMs, leaseMs } = checkTimes(name, options);
  const keyPrefix = options.keyPrefix ?? "almara-pay:callback:";
  if (typeof keyPrefix !== "string") {
    throw new TypeError(`almara-pay: ${name} options.keyPrefix must be a string`);
  }
  const send = createRedisSend(
    options.command,
    commandTimeout(name, options.commandTimeoutMs, 1000),
  );

  function keyOf(method: string, key: unknown): string {
    if (typeof key !== "string" || key === "") {
      throw new TypeError(`almara-pay: ${method}() key must be a non-empty string`);
    }
    return keyPrefix + key;
  }

  return {
    async claim(key): Promise<DeliveryClaim> {
      const redisKey = keyOf("claim", key);
      const token = globalThis.crypto.randomUUID();
      const reply = await send(["SET", redisKey, `claimed:${token}`, "NX", "PX", String(leaseMs)]);
      if (replyText(reply) === "OK") return { status: "claimed", token };
      // Held: done, or claimed by someone else (or gone meanwhile: the next delivery will tell).
      const value = await send(["GET", redisKey]);
      return { status: replyText(value) === DONE ? "duplicate" : "in-progress" };
    },
    async complete(key) {
      await send(["SET", keyOf("complete", key), DONE, "PX", String(ttlMs)]);
    },
    async release(key, token) {
      await send(["EVAL", RELEASE, "1", keyOf("release", key), `claimed:${token}`]);
    },
    async renew(key, token) {
      const reply = await send([
        "EVAL",
        RENEW,
        "1",
        keyOf("renew", key),
        `claimed:${token}`,
        String(leaseMs),
      ]);
      return Number(reply) === 1;
    },
    leaseMs,
  };
}
