/**
 * The benchmark contract: every `bench/*.bench.ts` file exports `suite: BenchSuite`. `bench/run.ts`
 * runs them with tinybench in one process, prints a table and writes `bench/results/latest.json`
 * as `[{ name, system, median_ms, gflops?, ...extra }]`.
 */
export interface BenchCase {
  /** Workload name, shared by all systems that run it (e.g. `matmul_1024`). */
  name: string;
  /** Engine/config that runs it: `pqkd`, `pqkd-2t`, `tfjs-cpu`, `tfjs-wasm`, ... */
  system: string;
  /** Floating-point operations per call (2·MACs), for GFLOP/s; omit when not meaningful. */
  flops?: number;
  /** Runs once before timing (allocations, warm caches). */
  setup?: () => void | Promise<void>;
  /** The timed call. */
  fn: () => unknown;
  /** Released after timing. */
  teardown?: () => void | Promise<void>;
  /** Minimum number of timed iterations (default chosen by the runner); 1 for very slow peers. */
  iterations?: number;
  /** Extra machine-readable fields copied into the JSON record (e.g. `{ images_per_s: ... }`). */
  extra?: (medianMs: number) => Record<string, number | string>;
}

export interface BenchSuite {
  name: string;
  /** Workloads a system cannot run: shown as such in the table, never timed. */
  unsupported?: readonly { name: string; system: string; reason: string }[];
  cases: () => BenchCase[] | Promise<BenchCase[]>;
}

export interface BenchRecord {
  name: string;
  system: string;
  median_ms: number;
  gflops?: number;
  samples: number;
  [extra: string]: number | string | undefined;
}
