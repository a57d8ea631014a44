/** A lockable token cache in memory, standing in for Redis where processes are simulated. */
import type { CachedToken, TokenCache } from "../../src/index.js";

export interface MemoryTokenCache extends TokenCache {
  readonly tokens: Map<string, CachedToken>;
  readonly locks: Set<string>;
}

export function createMemoryTokenCache(): MemoryTokenCache {
  const tokens = new Map<string, CachedToken>();
  const locks = new Set<string>();
  return {
    tokens,
    locks,
    async get(key) {
      return tokens.get(key);
    },
    async set(key, token) {
      tokens.set(key, token);
    },
    async delete(key, accessToken) {
      if (accessToken === undefined || tokens.get(key)?.accessToken === accessToken) {
        tokens.delete(key);
      }
    },
    async lock(key) {
      if (locks.has(key)) return undefined;
      locks.add(key);
      return async () => {
        locks.delete(key);
      };
    },
  };
}
