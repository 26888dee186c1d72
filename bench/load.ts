import { performance } from 'node:perf_hooks';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/**
 * Runs `operation` `total` times with `concurrency` calls in flight and reports throughput and
 * latency percentiles. Every call must succeed; a failure ends the run with its error.
 */
export async function runLoad(total: number, concurrency: number, operation: () => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let started = 0;

  const worker = async () => {
    while (started < total) {
      started += 1;
      const begin = performance.now();
      await operation();
      latencies.push(performance.now() - begin);
    }
  };

  const begin = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;

  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}
