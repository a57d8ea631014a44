/**
 * One SDK process of the shared-token test: a client whose token cache is Redis. On "burst" it
 * makes 100 concurrent calls and reports how they went and what it warned about.
 */
import { Redis } from "ioredis";
import { createAlmaraPay } from "../../src/index.js";
import { createRedisTokenCache } from "../../src/auth/redis-token-cache.js";

export interface WorkerConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redisPort: number;
}

export interface BurstReport {
  ok: number;
  failures: string[];
  warnings: string[];
}

const config = JSON.parse(process.env.ALMARA_WORKER ?? "{}") as WorkerConfig;
const redis = new Redis({ host: "127.0.0.1", port: config.redisPort });
redis.on("error", () => {}); // reconnect attempts after Redis stops: the SDK logs what matters
const warnings: string[] = [];
const pay = createAlmaraPay({
  baseUrl: config.baseUrl,
  clientId: config.clientId,
  clientSecret: config.clientSecret,
  tokenCache: createRedisTokenCache({ command: ([name, ...args]) => redis.call(name!, ...args) }),
  logger: { warn: (message) => warnings.push(message) },
});

process.on("message", (message) => {
  if (message === "exit") {
    redis.disconnect();
    process.exit(0);
  }
  if (message !== "burst") return;
  void Promise.allSettled(Array.from({ length: 100 }, () => pay.GET("/v1/bill-services"))).then(
    (results) => {
      const failures = results.flatMap((r) =>
        r.status === "rejected"
          ? [String(r.reason)]
          : r.value.response.ok
            ? []
            : [`HTTP ${r.value.response.status}`],
      );
      const report: BurstReport = {
        ok: results.length - failures.length,
        failures,
        warnings: warnings.splice(0),
      };
      process.send!(report);
    },
  );
});
process.send!("ready");
