/**
 * Pure helpers over benchmark results (no timing, no I/O; tested in test/bench/results.test.ts):
 *  - `copyMultiples`: each bandwidth record's time ÷ the copy time of the same number of bytes;
 *  - `readmeTable`: the README's benchmark table from `bench/results/latest.json`;
 *  - `replaceBetweenMarkers`: splices generated text between two marker comments.
 * `bench/results/latest.json` is `{ meta: RunMeta, records: BenchRecord[] }`.
 */
import type { BenchRecord } from './harness.js';

export interface RunMeta {
  date: string;
  cpu: string;
  cores: number;
  node: string;
  v8: string;
  /** The engine's kernel paths: SIMD available, relaxed SIMD used, the default path, and the systems run. */
  kernels: { simd: boolean; relaxedSimd: boolean; defaultPath: string; systemsRun: string[] };
  /** 1-minute load average at the start and the end of the run (2 cores: above 2 means contention). */
  loadAverage: { start: number; end: number };
  filter: string;
  torch?: string;
}

export interface BenchResults {
  meta: RunMeta;
  records: BenchRecord[];
}

const round4 = (x: number): number => Number(x.toPrecision(4));

/**
 * Adds `x_copy` = (ms / bytes) ÷ (copy ms / copy bytes) to every record with a `bytes` field, for the
 * same system as the copy record named `copyName`. Records without bytes, or without a copy record
 * for their system, are returned unchanged.
 */
export function copyMultiples(records: readonly BenchRecord[], copyName: string): BenchRecord[] {
  const copies = new Map(records.filter((r) => r.name === copyName && typeof r.bytes === 'number').map((r) => [r.system, r]));
  return records.map((r) => {
    const copy = copies.get(r.system);
    if (typeof r.bytes !== 'number' || copy === undefined || r.name === copyName) return r;
    const perByte = r.median_ms / r.bytes;
    const copyPerByte = copy.median_ms / (copy.bytes as number);
    return { ...r, x_copy: round4(perByte / copyPerByte) };
  });
}

/** A README row: its label and the record name it shows. */
export interface ReadmeRow {
  label: string;
  name: string;
}

/** The README's rows (record names from the bench files) and peer columns. */
export const README_ROWS: readonly ReadmeRow[] = [
  { label: 'matmul 1024³', name: 'matmul_1024' },
  { label: 'conv b64 1×28×28→32, 3×3, forward', name: 'conv2d_forward_b64_1x28x28_32_3x3p1' },
  { label: 'conv b64 32×14×14→64, 3×3, forward', name: 'conv2d_forward_b64_32x14x14_64_3x3p1' },
  { label: 'same conv, input gradient', name: 'conv2d_backward_input_b64_32x14x14_64_3x3p1' },
  { label: 'same conv, weight gradient', name: 'conv2d_backward_weight_b64_32x14x14_64_3x3p1' },
  { label: 'reference CNN forward, b64 (eval, no graph)', name: 'cnn_forward_b64' },
  { label: 'reference CNN train step, b64, SGD', name: 'train_step_sgd' },
  { label: 'reference CNN train step, b64, Adam', name: 'train_step_adam' },
  { label: 'MNIST teacher step, b128 (recipe)', name: 'mnist_teacher_step_b128' },
  { label: 'MNIST PQKD student step, b128 (recipe)²', name: 'mnist_student_step_b128' },
  { label: 'CIFAR-lite teacher step, b128', name: 'cifar_teacher_step_b128' },
  { label: 'CIFAR-lite PQKD student step, b128²', name: 'cifar_student_step_b128' },
  { label: 'full MNIST student epoch, 2 threads (opt-in)', name: 'mnist_student_epoch_2t' },
];

export const README_SYSTEMS: readonly { system: string; label: string }[] = [
  { system: 'pqkd', label: 'pqkd 1 thread' },
  { system: 'pqkd-2t', label: 'pqkd 2 threads' },
  { system: 'pqkd-dp2', label: 'pqkd 2 threads, data-parallel' },
  { system: 'tfjs-wasm', label: 'tfjs-wasm 4.22 (XNNPACK)' },
  { system: 'jax-wasm', label: 'jax-js 0.1.25 (wasm)' },
  { system: 'torch', label: 'PyTorch 1 thread' },
  { system: 'torch-2t', label: 'PyTorch 2 threads' },
];

function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  return `${ms >= 100 ? Math.round(ms).toLocaleString('en-US') : ms.toPrecision(3)} ms`;
}

/**
 * The README table: one row per README_ROWS entry present in the results, one column per system
 * present; a peer's cell is its time and, in parentheses, its time ÷ pqkd's 1-thread time (above 1×:
 * pqkd faster); `—` where a system did not run the workload. Bandwidth rows follow with their
 * multiple of the copy. The first line names the CPU, Node and the load.
 */
export function readmeTable(results: BenchResults): string {
  const { meta, records } = results;
  const byKey = new Map(records.map((r) => [`${r.name}\u0000${r.system}`, r]));
  const systems = README_SYSTEMS.filter((s) => records.some((r) => r.system === s.system));
  const rows = README_ROWS.filter((row) => systems.some((s) => byKey.has(`${row.name}\u0000${s.system}`)));
  const lines = [
    `Measured on ${meta.cpu} (${meta.cores} cores), Node ${meta.node}, ${meta.date.slice(0, 10)}; kernels: ` +
      `${meta.kernels.simd ? 'WebAssembly SIMD' : 'JS only'}${meta.kernels.relaxedSimd ? ' + relaxed SIMD' : ''}; ` +
      `load average ${meta.loadAverage.start} → ${meta.loadAverage.end}. Peer cells: time (÷ pqkd 1 thread).`,
    '',
    `| workload | ${systems.map((s) => s.label).join(' | ')} |`,
    `|---|${systems.map(() => '---|').join('')}`,
  ];
  for (const row of rows) {
    const base = byKey.get(`${row.name}\u0000pqkd`);
    const cells = systems.map((s) => {
      const r = byKey.get(`${row.name}\u0000${s.system}`);
      if (!r) return '—';
      const ratio = base && s.system !== 'pqkd' ? ` (${round4(r.median_ms / base.median_ms)}×)` : '';
      return `${formatMs(r.median_ms)}${ratio}`;
    });
    lines.push(`| ${row.label} | ${cells.join(' | ')} |`);
  }
  const bandwidth = records.filter((r) => r.system === 'pqkd' && typeof r.x_copy === 'number');
  if (bandwidth.length > 0) {
    lines.push('', '| bandwidth-bound kernel (1 thread, 6.4 MB input) | time | × copy of the same bytes |', '|---|---|---|');
    for (const r of bandwidth) lines.push(`| ${r.name} | ${formatMs(r.median_ms)} | ${String(r.x_copy)}× |`);
  }
  return lines.join('\n');
}

/** `text` with everything between the `start` and `end` marker lines replaced by `body`. */
export function replaceBetweenMarkers(text: string, start: string, end: string, body: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0 || j < i) throw new Error(`replaceBetweenMarkers: markers ${start} … ${end} not found in order`);
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}
