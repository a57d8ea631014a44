/**
 * almara-pay/redis: what the SDK keeps in Redis, through your own Redis client's `command`
 * function — the shared OAuth token (with its refresh lock) and the callback delivery guard.
 */
export { createRedisTokenCache } from "./auth/redis-token-cache.js";
export type { RedisTokenCacheOptions } from "./auth/redis-token-cache.js";
export { createRedisDeliveryGuard } from "./callbacks/redis-delivery-guard.js";
export type { RedisDeliveryGuardOptions } from "./callbacks/redis-delivery-guard.js";
