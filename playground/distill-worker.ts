/**
 * The distillation Web Worker: fetches the shipped MNIST subset, checks its SHA-256, trains a small
 * teacher (TeacherTrainer) and a PQKD student (Distiller: SPSA on the circuit angles + Adam on the
 * distillation loss, 200-shot features with EMA), reporting every step, SPSA update and epoch to the
 * page. Epochs run through the trainers' interruptible drivers (runEpochAsync), which yield to the
 * worker's event loop after every step, so a Stop request aborts the run at the next step boundary;
 * the test accuracies of the models as they are then, and the compression table, are reported either way.
 */
import { Generator, kernelsMode, pqkd } from '../src/index.js';
import { verifyAndDecode } from './mnist-subset.js';
import type { CompressionRow, DistillSettings, FromWorker, ToWorker } from './distill-protocol.js';

declare const __MNIST_SHA256__: string;
const DATA_FILE = 'mnist-subset.bin.gz';
/** Every PROBE_EVERY steps the model in training is evaluated on the first PROBE_SIZE validation images. */
const PROBE_EVERY = 20;
const PROBE_SIZE = 200;

const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
};
const post = (m: FromWorker): void => scope.postMessage(m);
let abort = new AbortController();

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function loadSubset(): Promise<{ data: pqkd.SplitData; test: Int32Array }> {
  post({ type: 'status', text: `fetching ${DATA_FILE}…` });
  const response = await fetch(DATA_FILE);
  if (!response.ok) throw new Error(`${DATA_FILE}: HTTP ${response.status} ${response.statusText}`);
  const gz = new Uint8Array(await response.arrayBuffer());
  const s = await verifyAndDecode(gz, __MNIST_SHA256__, DATA_FILE, gunzip);
  const count = s.trainCount + s.testCount;
  const dataset: pqkd.SplitData['dataset'] = {
    name: 'mnist-playground-subset', split: 'train', label: 'MNIST (playground subset)', images: s.images, labels: s.labels,
    count, channels: 1, height: s.rows, width: s.cols, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    mean: [0.1307], std: [0.3081], // MNIST's standard normalisation, as in the library's dataset registry
    sha256: { [DATA_FILE]: __MNIST_SHA256__ }, source: DATA_FILE,
  };
  // Every fifth training image is the validation proxy (SPSA objective, per-epoch accuracy); test images are never trained on.
  const train: number[] = [], val: number[] = [];
  for (let i = 0; i < s.trainCount; i++) (i % 5 === 4 ? val : train).push(i);
  const test = Int32Array.from({ length: s.testCount }, (_, i) => s.trainCount + i);
  post({ type: 'data', train: train.length, val: val.length, test: test.length, sha256: __MNIST_SHA256__, kernels: kernelsMode() });
  return { data: { dataset, train: Int32Array.from(train), val: Int32Array.from(val) }, test };
}

async function run(settings: DistillSettings): Promise<void> {
  const started = performance.now();
  const { data, test } = await loadSubset();
  const config = pqkd.resolveConfig({
    seed: settings.seed,
    teacher: { width: settings.teacherWidth, epochs: settings.teacherEpochs, batchSize: settings.batchSize },
    student: { epochs: settings.studentEpochs, batchSize: settings.batchSize, rank: settings.rank },
    photonic: { shots: settings.shots },
    spsa: { updatesPerEpoch: settings.spsaUpdatesPerEpoch, batchSize: 128 },
  });
  let step = 0;
  const models: { teacher?: pqkd.PqkdNet; student?: pqkd.PqkdNet } = {};
  const probe = data.val.subarray(0, PROBE_SIZE);
  const hooks: pqkd.RunHooks = {
    onEvent(e) {
      if (e.kind === 'step') {
        post({ type: 'step', phase: e.phase, step, epoch: e.epoch, loss: e.loss });
        const model = models[e.phase];
        // evaluate() switches to eval mode without gradients and restores training mode; it draws no random numbers.
        if (model && step % PROBE_EVERY === PROBE_EVERY - 1) post({ type: 'probe', phase: e.phase, step, accuracy: pqkd.evaluate(model, data.dataset, probe).accuracy });
        step++;
      } else if (e.kind === 'epoch') post({ type: 'epoch', phase: e.phase, epoch: e.epoch, step, valAccuracy: e.valAccuracy, valLoss: e.valLoss, seconds: e.seconds });
      else if (e.kind === 'spsa') {
        const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
        post({ type: 'spsa', k: e.k, fPlus: mean(e.fPlus), fMinus: mean(e.fMinus), thetaShift: Math.hypot(...e.theta.map((t, i) => t - theta0[i]!)) });
      }
    },
  };
  const teacherSpec = pqkd.teacherSpec('mnist', config.teacher.width);
  const teacher = pqkd.buildModel(teacherSpec, { generator: new Generator(config.seed).fork('teacher-init') });
  models.teacher = teacher;
  const teacherTrainer = new pqkd.TeacherTrainer(teacher, data, config.teacher, config.seed, hooks);
  post({ type: 'status', text: 'training the teacher…' });
  const signal = abort.signal;
  const now = (): number => performance.now();
  /** Runs epochs until `done` or Stop; an aborted epoch ends at a step boundary. */
  const runEpochs = async (done: () => boolean, epoch: () => Promise<unknown>): Promise<void> => {
    try {
      while (!done() && !signal.aborted) await epoch();
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  };
  await runEpochs(() => teacherTrainer.epoch >= config.teacher.epochs, () => teacherTrainer.runEpochAsync({ signal, now }));
  teacher.eval();
  const source = pqkd.createFeatureSource(config.photonic, config.seed);
  const studentSpec = pqkd.studentSpec(teacherSpec, config.student.scope, config.student.rank);
  const student = pqkd.buildModel(studentSpec, {
    generator: new Generator(config.seed).fork('student-init'), projectionSeed: config.projectionSeed,
    featureBins: source.bins, dictConvImpl: config.student.dictConvImpl,
  });
  models.student = student;
  const distiller = new pqkd.Distiller(config, teacher, student, source, data, hooks);
  const theta0 = Float64Array.from(distiller.theta);
  const studentTrained = !signal.aborted;
  if (studentTrained) post({ type: 'status', text: 'distilling the PQKD student (SPSA on θ, Adam on the student)…' });
  await runEpochs(() => distiller.epoch >= config.student.epochs, () => distiller.runEpochAsync({ signal, now }));
  distiller.freezeFeature();
  student.eval();
  const c = pqkd.compressionTable(teacherSpec, studentSpec, source.paramCount, source.dim);
  const table: CompressionRow[] = pqkd.formatCompressionTable(c).split('\n').map((line) => {
    const m = /^(.*?)\s{2,}(\S.*)$/.exec(line);
    return { label: m?.[1] ?? line, value: m?.[2] ?? '' };
  });
  post({
    type: 'done', stopped: signal.aborted, steps: step, seconds: (performance.now() - started) / 1000,
    teacherTestAccuracy: pqkd.evaluate(teacher, data.dataset, test).accuracy,
    studentTestAccuracy: studentTrained ? pqkd.evaluate(student, data.dataset, test).accuracy : null,
    testImages: test.length, table,
  });
}

scope.addEventListener('message', (event) => {
  const m = event.data;
  if (m.type === 'stop') abort.abort();
  else if (m.type === 'start') {
    abort = new AbortController();
    run(m.settings).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
  }
});
