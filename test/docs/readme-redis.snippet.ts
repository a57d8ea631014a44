import { createAlmaraPay } from "almara-pay";
import { createRedisTokenCache } from "almara-pay/redis";
import { Redis } from "ioredis";

const redis = new Redis(process.env.REDIS_URL!);

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
  // node-redis: createRedisTokenCache({ command: (args) => client.sendCommand(args) })
  tokenCache: createRedisTokenCache({ command: ([name, ...args]) => redis.call(name!, ...args) }),
});
