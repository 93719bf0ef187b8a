/**
 * In-process interleaved A/B for a shared, noisy machine: the same workload built from two source
 * trees (e.g. a `git worktree` of the old commit and this one) in ONE process, steps alternating
 * before/after, reporting the median of the per-pair time ratios. Usage:
 *   git worktree add --detach /tmp/before <commit> && ln -s $PWD/node_modules /tmp/before/
 *   node --import tsx bench/ab-steps.mts /tmp/before $PWD <forward|train|adam|teacher|student> [pairs]
 * 1 engine thread (PQKD_THREADS=2 for two; each tree has its own thread pool), default kernels.
 */
const [beforeRoot, afterRoot, which, roundsArg] = process.argv.slice(2) as [string, string, string, string?];
const rounds = Number(roundsArg ?? 15);
async function build(root: string): Promise<() => void> {
  const im = (p: string): Promise<any> => import(`${root}/src/${p}`);
  const { crossEntropy } = await im('autograd/functional/losses.ts');
  const { distillationLoss } = await im('autograd/functional/distillation.ts');
  const { noGrad } = await im('autograd/grad-mode.ts');
  const { disposeGraph } = await im('autograd/dispose-graph.ts');
  const nn = await im('nn/index.ts');
  const { randint, randn } = await im('tensor/create.ts');
  const { Generator } = await im('tensor/random.ts');
  const { setNumThreads } = await im('tensor/parallel/threads.ts');
  const { warmUpThreads } = await im('tensor/parallel/pool.ts');
  setNumThreads(Number(process.env['PQKD_THREADS'] ?? 1));
  await warmUpThreads();
  const g = new Generator(0);
  const x = randn([64, 1, 28, 28], { generator: g });
  const y = randint(0, 10, [64], { generator: g });
  const cnn = () => {
    const q = new Generator(1);
    return new nn.Sequential(
      new nn.Conv2d(1, 32, 3, { padding: 1, generator: q }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(32, 64, 3, { padding: 1, generator: q }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(3136, 128, { generator: q }), new nn.ReLU(), new nn.Linear(128, 10, { generator: q }));
  };
  if (which === 'forward') { const m = cnn().eval(); return () => void noGrad(() => m.forward(x)); }
  if (which === 'train' || which === 'adam') {
    const m = cnn(); const opt = which === 'train' ? new nn.SGD(m.parameters(), { lr: 0.01 }) : new nn.Adam(m.parameters(), { lr: 1e-3 });
    return () => { opt.zeroGrad({ setToNone: false }); const loss = crossEntropy(m.forward(x), y); loss.item(); loss.backward(); opt.step(); disposeGraph(loss); };
  }
  const { resolveConfig } = await im('pqkd/config.ts');
  const { createFeatureSource } = await im('pqkd/feature-sources.ts');
  const { FeatureStream } = await im('pqkd/feature-stream.ts');
  const { studentSpec, teacherSpec } = await im('pqkd/model-spec.ts');
  const { buildModel } = await im('pqkd/models.ts');
  const config = resolveConfig({});
  const source = createFeatureSource(config.photonic, 0);
  if (which === 'teacher') {
    const t = buildModel(teacherSpec('mnist', 32), { generator: new Generator(1) });
    const opt = new nn.Adam(t.parameters(), { lr: 1e-3 });
    return () => { opt.zeroGrad({ setToNone: false }); const loss = crossEntropy(t.forward(x), y); loss.backward(); opt.step(); disposeGraph(loss); };
  }
  const student = buildModel(studentSpec(teacherSpec('mnist', 32), 'partial', 4), { generator: new Generator(1), projectionSeed: config.projectionSeed, featureBins: source.bins });
  const opt = new nn.Adam(student.parameters(), { lr: 1e-3 });
  const tl = randn([64, 10], { generator: g });
  const theta = source.initialParams(g);
  const stream = new FeatureStream(source, g, { ema: { enabled: true, beta: 0.9 }, redraw: 'step' });
  let i = 0;
  return () => { student.setFeature(stream.next(theta, i++, false)); const loss = distillationLoss(student.forward(x), tl, y, { temperature: 4, alpha: 0.7 }); loss.backward(); opt.step(); opt.zeroGrad({ setToNone: false }); disposeGraph(loss); };
}
const before = await build(beforeRoot);
const after = await build(afterRoot);
const tb: number[] = [], ta: number[] = [], ratio: number[] = [];
for (let r = 0; r < rounds + 2; r++) {
  let t0 = performance.now(); before(); const b = performance.now() - t0;
  t0 = performance.now(); after(); const a = performance.now() - t0;
  if (r >= 2) { tb.push(b); ta.push(a); ratio.push(a / b); }
}
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
console.log(`${which}: before ${med(tb).toFixed(1)} ms, after ${med(ta).toFixed(1)} ms, median per-pair ratio after/before ${med(ratio).toFixed(2)} (${rounds} pairs)`);
