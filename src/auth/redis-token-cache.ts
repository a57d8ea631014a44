/**
 * One OAuth token shared by every process through Redis (in `almara-pay/redis`), and a short lock so
 * that a fleet of cold processes makes one token request, not one each.
 *
 * It drives the caller's own Redis client through a single `command` function, so the SDK
 * depends on no Redis package and works with any client:
 *
 * ```ts
 * createRedisTokenCache({ command: (args) => redis.sendCommand(args) }); // node-redis
 * createRedisTokenCache({ command: ([name, ...rest]) => ioredis.call(name!, ...rest) }); // ioredis
 * ```
 */
import { checkOptionKeys } from "../client/option-checks.js";
import { commandTimeout, createRedisSend, replyText } from "./redis-command.js";
import type { CachedToken, TokenCache } from "./token-cache.js";

export interface RedisTokenCacheOptions {
  /** Sends one Redis command (`["SET", key, value, …]`) and resolves to Redis's reply. */
  command(args: string[]): Promise<unknown>;
  /**
   * A command that has not answered by then counts as failed, so a Redis outage costs a call
   * this long at most before the SDK falls back to its in-memory token. @default 500
   */
  commandTimeoutMs?: number;
}

/** Deletes the lock KEYS[1] only while this process (ARGV[1]) still owns it. */
const UNLOCK =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
/** Deletes the token at KEYS[1] only while it is still the access token ARGV[1]. */
const DELETE_TOKEN = [
  "local value = redis.call('GET', KEYS[1])",
  "if not value then return 0 end",
  "local ok, token = pcall(cjson.decode, value)",
  "if ok and type(token) == 'table' and token.accessToken == ARGV[1] then",
  "  return redis.call('DEL', KEYS[1])",
  "end",
  "return 0",
].join("\n");

export function createRedisTokenCache(options: RedisTokenCacheOptions): TokenCache {
  if (typeof options?.command !== "function") {
    throw new TypeError("almara-pay: createRedisTokenCache needs a `command` function");
  }
  const name = "createRedisTokenCache";
  checkOptionKeys(name, options, ["command", "commandTimeoutMs"]);
  const send = createRedisSend(
    options.command,
    commandTimeout(name, options.commandTimeoutMs, 500),
  );

  /** Tokens are stored as the JSON of a CachedToken; anything else reads as no token. */
  function parse(reply: unknown): CachedToken | undefined {
    const text = replyText(reply);
    if (text === undefined) return undefined;
    try {
      const value = JSON.parse(text) as Partial<CachedToken>;
      if (typeof value.accessToken !== "string" || typeof value.expiresAt !== "number") {
        return undefined;
      }
      const token: CachedToken = { accessToken: value.accessToken, expiresAt: value.expiresAt };
      if (typeof value.issuedAt === "number") token.issuedAt = value.issuedAt;
      return token;
    } catch {
      return undefined;
    }
  }

  return {
    async get(key) {
      return parse(await send(["GET", key]));
    },
    async set(key, token, ttlMs) {
      const { accessToken, expiresAt, issuedAt } = token;
      const value = JSON.stringify({ accessToken, expiresAt, issuedAt });
      await send(["SET", key, value, "PX", String(Math.max(1, Math.floor(ttlMs)))]);
    },
    async delete(key, accessToken) {
      if (accessToken === undefined) {
        await send(["DEL", key]);
        return;
      }
      // Compare and delete in one step: a token another process stored meanwhile stays.
      await send(["EVAL", DELETE_TOKEN, "1", key, accessToken]);
    },
    async lock(key, ttlMs) {
      const owner = globalThis.crypto.randomUUID();
      const reply = await send(["SET", key, owner, "NX", "PX", String(Math.ceil(ttlMs))]);
      if (replyText(reply) !== "OK") return undefined;
      return async () => {
        await send(["EVAL", UNLOCK, "1", key, owner]);
      };
    },
  };
}
