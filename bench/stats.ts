/** Small statistics for the benchmark: percentiles over samples, and interleaved timing. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
/** A full collection, so that one contender's garbage is not collected on the next one's clock. */
const collectGarbage = runInNewContext("gc") as () => void;

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

/** Milliseconds since an arbitrary origin, sub-millisecond. */
export const now = () => performance.now();

/**
 * Runs each contender `rounds` times, in a new shuffled order every round, so that drift of the
 * machine (other load, thermal, GC) touches all of them alike, each after a full collection (its
 * own garbage is then collected on its own clock). Resolves to each one's samples.
 */
export async function interleave<K extends string>(
  contenders: Record<K, () => Promise<number[]>>,
  rounds: number,
): Promise<Record<K, number[]>> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    const order = [...names].sort(() => Math.random() - 0.5);
    for (const name of order) {
      collectGarbage();
      samples[name].push(...(await contenders[name]()));
    }
  }
  return samples;
}
