/**
 * One token across processes through a real Redis (Debian's redis-server on 127.0.0.1): 8 child
 * processes × 100 concurrent calls against one sandbox make exactly 1 token request, refresh it
 * exactly once, and keep working on their own tokens when Redis goes away.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisTokenCache } from "../../src/auth/redis-token-cache.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { startRedis, type RedisServer } from "../support/redis.js";
import type { BurstReport, WorkerConfig } from "../support/redis-worker.js";

const LIFETIME_S = 4; // refreshed after half of it
let redis: RedisServer;
let sandbox: Sandbox;
let workers: ChildProcess[] = [];

const tokenRequests = () => sandbox.requests.filter((r) => r.path === "/connect/token");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process makes 100 concurrent calls at once. */
async function burst(): Promise<BurstReport[]> {
  const reports = workers.map((worker) =>
    once(worker, "message").then(([report]) => report as BurstReport),
  );
  for (const worker of workers) worker.send("burst");
  return Promise.all(reports);
}

/** Waits until the newest token is in its refresh window (past half its lifetime). */
async function untilRefreshDue(): Promise<void> {
  await sleep((LIFETIME_S / 2) * 1000 + 300);
}

beforeAll(async () => {
  redis = await startRedis();
  sandbox = await startSandbox({ tokenLifetimeSeconds: LIFETIME_S });
  const config: WorkerConfig = {
    baseUrl: sandbox.url,
    ...sandbox.credentials,
    redisPort: redis.port,
  };
  const script = fileURLToPath(new URL("../support/redis-worker.ts", import.meta.url));
  workers = Array.from({ length: 8 }, () =>
    fork(script, [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ALMARA_WORKER: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  await Promise.all(workers.map((worker) => once(worker, "message")));
}, 600_000);

afterAll(async () => {
  await Promise.all(
    workers.map(async (worker) => {
      if (worker.exitCode !== null) return;
      worker.send("exit");
      await once(worker, "exit");
    }),
  );
  await sandbox?.close();
  await redis?.stop();
});

describe("a token shared through Redis by 8 processes", () => {
  it("8 cold processes × 100 concurrent calls make exactly 1 token request", async () => {
    const reports = await burst();
    expect(reports.map((r) => r.ok)).toEqual(Array(8).fill(100));
    expect(reports.flatMap((r) => r.warnings)).toEqual([]);
    expect(tokenRequests()).toHaveLength(1);
  }, 30_000);

  it("refreshes the token exactly once when it nears expiry", async () => {
    await untilRefreshDue();
    const reports = await burst();
    expect(reports.map((r) => r.ok)).toEqual(Array(8).fill(100));
    expect(tokenRequests()).toHaveLength(2);
  }, 30_000);

  it("falls back to one token per process, with a warning, when Redis stops", async () => {
    await redis.stop();
    await untilRefreshDue();
    const reports = await burst();
    expect(reports.map((r) => r.failures)).toEqual(Array(8).fill([]));
    expect(tokenRequests()).toHaveLength(2 + 8); // per-process caching: one each
    for (const report of reports) {
      expect(report.warnings).toContain("almara-pay: token cache read failed; requesting a token");
    }
  }, 30_000);
});

describe("createRedisTokenCache against redis-server", () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedis();
    client = new Redis({ host: "127.0.0.1", port: server.port });
  }, 600_000);

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  const cache = () =>
    createRedisTokenCache({ command: ([name, ...args]) => client.call(name!, ...args) });

  it("stores a token with its TTL and reads it back", async () => {
    const token = { accessToken: "eyJ.a", expiresAt: Date.now() + 60_000, issuedAt: Date.now() };
    await cache().set("k1", token, 60_000);
    await expect(cache().get("k1")).resolves.toEqual(token);
    const ttl = Number(await client.pttl("k1"));
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await client.set("k2", "not json");
    await expect(cache().get("k2")).resolves.toBeUndefined();
  });

  it("deletes a refused token only while it is still the stored one", async () => {
    const stored = { accessToken: "eyJ.new", expiresAt: Date.now() + 60_000 };
    await cache().set("k3", stored, 60_000);
    await cache().delete!("k3", "eyJ.old");
    await expect(cache().get("k3")).resolves.toEqual(stored);
    await cache().delete!("k3", "eyJ.new");
    await expect(cache().get("k3")).resolves.toBeUndefined();
  });

  it("lets one holder take the lock, and only the holder release it", async () => {
    const a = cache();
    const release = await a.lock!("lock1", 5_000);
    expect(release).toBeTypeOf("function");
    await expect(cache().lock!("lock1", 5_000)).resolves.toBeUndefined();
    await client.set("lock1", "someone-else", "PX", 5_000); // the lock expired and was retaken
    await release!();
    await expect(client.get("lock1")).resolves.toBe("someone-else");
  });

  it("fails within commandTimeoutMs when Redis does not answer", async () => {
    const silent = createRedisTokenCache({
      command: () => new Promise(() => {}),
      commandTimeoutMs: 50,
    });
    await expect(silent.get("k")).rejects.toThrow("Redis GET did not answer within 50 ms");
  });
});
