/**
 * In-process interleaved A/B of the conv2d kernels (forward, input and weight gradient) of two
 * source trees, as bench/ab-steps.mts does for whole steps: calls alternate before/after, the
 * median of the per-pair time ratios is printed. Usage:
 *   node --import tsx bench/ab-conv.mts /tmp/before $PWD [pairs]
 * Rows: the bench's conv rows (b64, 3×3, padding 1), 1 engine thread, default kernels.
 */
const [beforeRoot, afterRoot, pairsArg] = process.argv.slice(2) as [string, string, string?];
const pairs = Number(pairsArg ?? 20);
const rows: readonly (readonly [string, number[], number[], 'forward' | 'input' | 'weight'])[] = [
  ['forward 1x28x28→32', [64, 1, 28, 28], [32, 1, 3, 3], 'forward'],
  ['forward 32x14x14→64', [64, 32, 14, 14], [64, 32, 3, 3], 'forward'],
  ['forward 3x32x32→64', [64, 3, 32, 32], [64, 3, 3, 3], 'forward'],
  ['input grad 32x14x14→64', [64, 32, 14, 14], [64, 32, 3, 3], 'input'],
  ['weight grad 32x14x14→64', [64, 32, 14, 14], [64, 32, 3, 3], 'weight'],
];
type Kernel = () => void;
async function build(root: string): Promise<Kernel[]> {
  const d = await import(`${root}/src/tensor/kernel-dispatch.ts`);
  const { conv2dGeometry } = await import(`${root}/src/tensor/kernels/conv2d-geometry.ts`);
  const { Generator } = await import(`${root}/src/tensor/random.ts`);
  // the header's 1 engine thread: the default is one per core, which sends the large rows to workers
  (await import(`${root}/src/tensor/parallel/threads.ts`)).setNumThreads(1);
  const gen = new Generator(0);
  return rows.map(([, xs, ws, kind]) => {
    const g = conv2dGeometry(xs, ws, { padding: 1 });
    const rand = (n: number): Float32Array => Float32Array.from(gen.uniformArray(n, -1, 1));
    const x = rand(xs.reduce((p, v) => p * v, 1)), w = rand(ws.reduce((p, v) => p * v, 1)), bias = rand(ws[0]!);
    const y = new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth), dy = rand(y.length);
    const dx = new Float32Array(x.length), dw = new Float32Array(w.length);
    if (kind === 'forward') return () => d.conv2dForward(g, x, w, bias, y);
    if (kind === 'input') return () => d.conv2dBackwardInput(g, dy, w, dx);
    return () => d.conv2dBackwardWeight(g, x, dy, dw);
  });
}
const before = await build(beforeRoot);
const after = await build(afterRoot);
const os = await import('node:os');
const median = (v: number[]): number => v.slice().sort((p, q) => p - q)[v.length >> 1]!;
const time = (f: Kernel): number => { const t = performance.now(); f(); return performance.now() - t; };
const load0 = os.loadavg()[0]!;
for (let r = 0; r < rows.length; r++) {
  const tb: number[] = [], ta: number[] = [], ratio: number[] = [];
  for (let i = 0; i < pairs + 2; i++) {
    const b = time(before[r]!), a = time(after[r]!);
    if (i >= 2) { tb.push(b); ta.push(a); ratio.push(a / b); }
  }
  console.log(`${rows[r]![0]}: before ${median(tb).toFixed(2)} ms, after ${median(ta).toFixed(2)} ms, after/before ${median(ratio).toFixed(3)} (${pairs} pairs)`);
}
console.log(`load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} (2 cores)`);
