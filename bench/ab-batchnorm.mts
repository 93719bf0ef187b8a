/**
 * In-process interleaved A/B of batch norm's training forward (statistics + normalise) and backward
 * (issue 21), on the bandwidth bench's data (x, g [64, 32, 28, 28] float32, 1 thread, default kernels),
 * through each tree's dispatch layer: before and after alternate, each pair also times the memory-copy
 * reference (y.set(x), 8 bytes an element), and the medians are reported as ms, after/before ratio and
 * × copy per byte (bytes as bench/bandwidth.bench.ts counts them: forward 16N, backward 20N). Usage:
 *   git worktree add --detach /tmp/before <commit> && ln -s $PWD/node_modules /tmp/before/
 *   node --import tsx bench/ab-batchnorm.mts /tmp/before $PWD [pairs]
 */
const [beforeRoot, afterRoot, pairsArg] = process.argv.slice(2) as [string, string, string?];
const pairs = Number(pairsArg ?? 21);
const SHAPE = [64, 32, 28, 28] as const;
const [n, c, h, w] = SHAPE;
const s = h * w, N = n * c * s;
const data = (seed: number): Float32Array => {
  let v = seed >>> 0;
  return Float32Array.from({ length: N }, () => ((v = (Math.imul(v, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1);
};
const x = data(11), g = data(12), y = new Float32Array(N), dx = new Float32Array(N);
type Job = Record<string, unknown>;
async function build(root: string): Promise<{ fwd: () => void; bwd: () => void }> {
  const { batchNorm } = await import(`${root}/src/tensor/kernel-dispatch.ts`) as { batchNorm: (job: Job) => void };
  const { setNumThreads } = await import(`${root}/src/tensor/parallel/threads.ts`) as { setNumThreads: (t: number) => void };
  setNumThreads(1);
  const mean = new Float64Array(c), variance = new Float64Array(c), invstd = new Float64Array(c);
  const gamma = new Float32Array(c).fill(1), beta = new Float32Array(c), dGamma = new Float32Array(c), dBeta = new Float32Array(c);
  const stats = (): void => {
    batchNorm({ kind: 'batchNormStats', x, n, c, s, mean, variance });
    for (let i = 0; i < c; i++) invstd[i] = 1 / Math.sqrt(variance[i]! + 1e-5);
  };
  stats();
  return {
    fwd: () => { stats(); batchNorm({ kind: 'batchNormForward', x, n, c, s, mean, invstd, weight: gamma, bias: beta, out: y }); },
    bwd: () => batchNorm({ kind: 'batchNormBackward', x, g, n, c, s, mean, invstd, weight: gamma, training: true, gradInput: dx, gradWeight: dGamma, gradBias: dBeta }),
  };
}
const before = await build(beforeRoot), after = await build(afterRoot);
const time = (fn: () => void): number => { const t0 = performance.now(); fn(); return performance.now() - t0; };
const t: Record<string, number[]> = { copy: [], fb: [], fa: [], bb: [], ba: [], rf: [], rb: [] };
for (let r = 0; r < pairs + 2; r++) {
  const copy = time(() => y.set(x));
  const fb = time(before.fwd), fa = time(after.fwd), bb = time(before.bwd), ba = time(after.bwd);
  if (r < 2) continue;
  Object.entries({ copy, fb, fa, bb, ba, rf: fa / fb, rb: ba / bb }).forEach(([k, v]) => t[k]!.push(v));
}
const med = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1]!;
const copy = med(t['copy']!); // ms per 8N bytes
const xc = (ms: number, bytesPerElement: number): string => (ms / (copy * bytesPerElement / 8)).toFixed(2);
console.log(`copy ${copy.toFixed(2)} ms (8N bytes), ${pairs} pairs, medians`);
console.log(`forward  before ${med(t['fb']!).toFixed(2)} ms (${xc(med(t['fb']!), 16)}× copy)  after ${med(t['fa']!).toFixed(2)} ms (${xc(med(t['fa']!), 16)}× copy)  ratio ${med(t['rf']!).toFixed(2)}`);
console.log(`backward before ${med(t['bb']!).toFixed(2)} ms (${xc(med(t['bb']!), 20)}× copy)  after ${med(t['ba']!).toFixed(2)} ms (${xc(med(t['ba']!), 20)}× copy)  ratio ${med(t['rb']!).toFixed(2)}`);
