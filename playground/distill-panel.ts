/**
 * Distillation panel: starts the training Web Worker, draws its loss/accuracy and SPSA traces as the
 * messages arrive (coalesced to one redraw per animation frame), offers Stop, and shows the final
 * test accuracies and the compression table. The page's own thread only draws.
 */
import { h, lineChart, replace, slider } from './dom.js';
import { readTheKernel } from './kernel-notes.js';
import type { DistillSettings, FromWorker, ToWorker } from './distill-protocol.js';

interface Trace {
  steps: number[];
  loss: number[];
  teacherSteps: number;
  accSteps: number[];
  acc: number[];
  accPhase: string[];
  probeSteps: number[];
  probeAcc: number[];
  spsaK: number[];
  fPlus: number[];
  fMinus: number[];
  shift: number[];
}

const emptyTrace = (): Trace => ({ steps: [], loss: [], teacherSteps: 0, accSteps: [], acc: [], accPhase: [], probeSteps: [], probeAcc: [], spsaK: [], fPlus: [], fMinus: [], shift: [] });

/** Builds the distillation panel into `root`. */
export function distillPanel(root: HTMLElement): void {
  const settings: DistillSettings = { teacherWidth: 8, teacherEpochs: 2, studentEpochs: 3, batchSize: 32, rank: 4, shots: 200, spsaUpdatesPerEpoch: 3, seed: 0 };
  let worker: Worker | null = null;
  let trace = emptyTrace();
  let pending = false;
  const status = h('p', { class: 'status', 'data-testid': 'distill-status', 'data-state': 'idle' }, 'idle: press Train.');
  const lossBox = h('div', { class: 'figure' }), spsaBox = h('div', { class: 'figure' }), resultBox = h('div', { class: 'figure', 'data-testid': 'distill-result' });
  const start = h('button', { type: 'button', id: 'distill-start' }, 'Train');
  const stop = h('button', { type: 'button', id: 'distill-stop', disabled: true }, 'Stop');

  const draw = (): void => {
    pending = false;
    const accSeries = trace.accSteps.length
      ? [{ name: '500 val. images, per epoch', x: trace.accSteps, y: trace.acc, cls: 's3', points: true }] : [];
    replace(lossBox, h('h3', {}, `Loss per step (teacher: steps 0–${Math.max(0, trace.teacherSteps - 1)}, then the student) and accuracy`),
      lineChart([{ name: 'training loss', x: trace.steps, y: trace.loss, cls: 's1' }], { xLabel: 'step', yLabel: 'loss', yMin: 0, testId: 'loss-chart' }),
      lineChart([{ name: '200 val. images, every 20',  x: trace.probeSteps, y: trace.probeAcc, cls: 's1' }, ...accSeries, { name: 'chance (10 classes)', x: [0, Math.max(1, trace.steps.length)], y: [0.1, 0.1], cls: 's2' }],
        { xLabel: 'step', yLabel: 'accuracy', yMin: 0, yMax: 1, height: 170, testId: 'accuracy-chart', legend: 'bottom' }));
    replace(spsaBox, h('h3', {}, 'SPSA trace: objective at θ ± cₖΔ and distance ‖θ − θ₀‖'),
      lineChart([
        { name: 'f(θ + cΔ)', x: trace.spsaK, y: trace.fPlus, cls: 's1', points: true },
        { name: 'f(θ − cΔ)', x: trace.spsaK, y: trace.fMinus, cls: 's2', points: true },
      ], { xLabel: 'SPSA update k', yLabel: 'validation CE', testId: 'spsa-chart' }),
      lineChart([{ name: '‖θ − θ₀‖', x: trace.spsaK, y: trace.shift, cls: 's3' }], { xLabel: 'SPSA update k', yLabel: 'radians', yMin: 0, height: 150 }));
  };
  const schedule = (): void => {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  };
  const setState = (state: string, text: string): void => {
    status.dataset['state'] = state;
    status.textContent = text;
  };

  const onMessage = (m: FromWorker): void => {
    switch (m.type) {
      case 'status': setState('running', m.text); break;
      case 'data': root.dataset['kernels'] = m.kernels;
        setState('running', `MNIST subset verified (SHA-256 ${m.sha256.slice(0, 12)}…): ${m.train} training, ${m.val} validation, ${m.test} test images; kernels: ${m.kernels}`); break;
      case 'step':
        trace.steps.push(m.step);
        trace.loss.push(m.loss);
        if (m.phase === 'teacher') trace.teacherSteps = m.step + 1;
        status.dataset['step'] = String(m.step);
        schedule(); break;
      case 'probe':
        trace.probeSteps.push(m.step);
        trace.probeAcc.push(m.accuracy);
        schedule(); break;
      case 'epoch':
        trace.accSteps.push(m.step);
        trace.acc.push(m.valAccuracy);
        trace.accPhase.push(m.phase);
        setState('running', `${m.phase} epoch ${m.epoch + 1}: validation accuracy ${(100 * m.valAccuracy).toFixed(1)}% (${m.seconds.toFixed(1)} s)`);
        schedule(); break;
      case 'spsa':
        trace.spsaK.push(trace.spsaK.length);
        trace.fPlus.push(m.fPlus);
        trace.fMinus.push(m.fMinus);
        trace.shift.push(m.thetaShift);
        schedule(); break;
      case 'done':
        finish();
        resultBox.dataset['teacherAccuracy'] = String(m.teacherTestAccuracy);
        resultBox.dataset['studentAccuracy'] = String(m.studentTestAccuracy);
        resultBox.dataset['steps'] = String(m.steps);
        replace(resultBox, h('h3', {}, `${m.stopped ? 'Stopped' : 'Finished'} after ${m.steps} steps in ${m.seconds.toFixed(1)} s`),
          h('p', { class: 'readout' }, `Test accuracy on ${m.testImages} held-out images: teacher ${(100 * m.teacherTestAccuracy).toFixed(1)}%, PQKD student `,
            h('strong', { 'data-testid': 'student-accuracy' }, m.studentTestAccuracy === null ? 'not trained (stopped during the teacher)' : `${(100 * m.studentTestAccuracy).toFixed(1)}%`), ' (chance: 10%).'),
          h('table', { class: 'compression', 'data-testid': 'compression-table' }, ...m.table.map((r) => h('tr', {}, h('td', {}, r.label), h('td', {}, r.value)))));
        setState('done', `done: ${m.steps} steps${m.stopped ? ' (stopped early)' : ''}`);
        draw(); break;
      case 'error':
        finish();
        setState('error', `error: ${m.message}`); break;
    }
  };
  const finish = (): void => {
    worker?.terminate();
    worker = null;
    start.disabled = false;
    stop.disabled = true;
  };
  start.addEventListener('click', () => {
    trace = emptyTrace();
    delete status.dataset['step'];
    replace(resultBox);
    worker = new Worker('distill-worker.js');
    worker.addEventListener('message', (e: MessageEvent<FromWorker>) => onMessage(e.data));
    worker.addEventListener('error', (e) => { finish(); setState('error', `worker error: ${e.message}`); });
    const message: ToWorker = { type: 'start', settings: { ...settings } };
    worker.postMessage(message);
    start.disabled = true;
    stop.disabled = false;
    setState('running', 'starting the worker…');
  });
  stop.addEventListener('click', () => {
    const message: ToWorker = { type: 'stop' };
    worker?.postMessage(message);
    stop.disabled = true;
    setState('running', 'stopping at the next step…');
  });

  const knob = (id: string, label: string, key: keyof DistillSettings, min: number, max: number, step = 1): HTMLElement => {
    const sl = slider(id, label, { min, max, step, value: settings[key] }, (v) => { settings[key] = v; sl.out.textContent = String(v); });
    sl.out.textContent = String(settings[key]);
    return sl.row;
  };
  root.append(
    h('h2', {}, 'Distillation'),
    h('p', {}, 'A small CNN teacher is trained on 2,000 MNIST images shipped with this page, then a PQKD student learns from it: its second convolution is a rank-R dictionary whose mixing comes from the 512-value photonic feature (200 shots, EMA β = 0.9) through a fixed projection, while SPSA tunes the 29 circuit angles on the validation proxy. Everything runs in a Web Worker; this page only draws.'),
    h('div', { class: 'controls' }, knob('distill-width', 'teacher width', 'teacherWidth', 4, 16, 4), knob('distill-teacher-epochs', 'teacher epochs', 'teacherEpochs', 1, 5),
      knob('distill-student-epochs', 'student epochs', 'studentEpochs', 1, 8), knob('distill-rank', 'rank R', 'rank', 1, 9), knob('distill-spsa', 'SPSA updates / epoch', 'spsaUpdatesPerEpoch', 0, 10), start, stop),
    status, h('div', { class: 'grid2' }, lossBox, spsaBox), resultBox,
    readTheKernel(['gemm', 'sgemm-wasm', 'conv2d', 'dict-conv', 'distill', 'spsa']),
  );
  draw();
}
