/**
 * Checkpoints: model, optimiser, scheduler and generator state <-> safetensors bytes (src/io), with a
 * bit-exact round trip (tensors are stored raw; numbers in the metadata are JSON, which round-trips
 * every finite float64 exactly).
 *
 * Layout (format "pqkd-checkpoint/1"):
 *   tensors   model.<stateDict key>          every parameter and buffer of the model
 *             optimizer.<i>.<buffer>         the optimiser's per-parameter buffers (i = position)
 *   metadata  format                         "pqkd-checkpoint/1"
 *             optimizer                      JSON { type, hyperparameters, steps: (number | null)[] }
 *             scheduler                      JSON of the scheduler's stateDict()
 *             generators                     JSON { name: GeneratorState } (one Generator is "default")
 *             extra                          JSON of the caller's `extra` value
 * Loading restores each part that the caller passes a target for; a target whose part is absent from
 * the checkpoint is an error. Parts load in the order model, optimiser, scheduler, generators; each
 * validates before it changes anything, but a failure leaves the earlier parts loaded.
 */
import { decodeSafetensors, encodeSafetensors, type TensorRecord } from '../io/safetensors.js';
import { Generator, type GeneratorState } from '../tensor/random.js';
import { describe } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Module, StateDict } from './module.js';
import type { Optimizer, OptimizerStateDict, ParamState } from './optim/optimizer.js';
import type { LRScheduler, SchedulerStateDict } from './optim/schedules.js';

export const CHECKPOINT_FORMAT = 'pqkd-checkpoint/1';

/** One generator, or several by name (e.g. { data: shuffleGen, dropout: dropoutGen }). */
export type GeneratorTargets = Generator | Record<string, Generator>;

/** What `saveCheckpoint` stores. */
export interface CheckpointContents {
  model: Module;
  optimizer?: Optimizer;
  scheduler?: LRScheduler;
  generator?: GeneratorTargets;
  /** Any JSON-serialisable value (epoch, config, metrics…), returned by loadCheckpoint. */
  extra?: unknown;
}

/** Where `loadCheckpoint` restores the state. */
export interface CheckpointTargets {
  model: Module;
  optimizer?: Optimizer;
  scheduler?: LRScheduler;
  generator?: GeneratorTargets;
  /** Passed to model.loadStateDict (default true). */
  strict?: boolean;
}

/** What `loadCheckpoint` returns besides restoring the targets. */
export interface LoadedCheckpoint {
  /** The `extra` value given to saveCheckpoint (undefined when none). */
  extra: unknown;
}

function namedGenerators(g: GeneratorTargets, op: string): Record<string, Generator> {
  if (g instanceof Generator) return { default: g };
  if (typeof g !== 'object' || g === null) throw new TypeError(`${op}: generator must be a Generator or an object of Generators, got ${describe(g)}`);
  for (const [name, v] of Object.entries(g)) {
    if (!(v instanceof Generator)) throw new TypeError(`${op}: generator.${name} must be a Generator, got ${describe(v)}`);
  }
  return g;
}

function record(t: Tensor): TensorRecord {
  return { dtype: t.dtype, shape: [...t.shape], data: t.toTypedArray() };
}

/**
 * Serialises a training state to safetensors bytes.
 * @example
 * const bytes = saveCheckpoint({ model, optimizer: opt, generator: gen, extra: { epoch: 3 } });
 */
export function saveCheckpoint(contents: CheckpointContents): Uint8Array {
  const op = 'saveCheckpoint';
  if (typeof contents?.model?.stateDict !== 'function') throw new TypeError(`${op}: contents.model must be a Module, got ${describe(contents?.model)}`);
  const tensors: Record<string, TensorRecord> = {};
  const metadata: Record<string, string> = { format: CHECKPOINT_FORMAT };
  for (const [key, t] of Object.entries(contents.model.stateDict())) tensors[`model.${key}`] = record(t);
  if (contents.optimizer !== undefined) {
    const sd = contents.optimizer.stateDict();
    sd.state.forEach((s, i) => {
      if (s !== null) for (const [name, t] of Object.entries(s.buffers)) tensors[`optimizer.${i}.${name}`] = record(t);
    });
    metadata.optimizer = JSON.stringify({ type: sd.type, hyperparameters: sd.hyperparameters, steps: sd.state.map((s) => (s === null ? null : s.step)) });
  }
  if (contents.scheduler !== undefined) metadata.scheduler = JSON.stringify(contents.scheduler.stateDict());
  if (contents.generator !== undefined) {
    const states = Object.fromEntries(Object.entries(namedGenerators(contents.generator, op)).map(([k, g]) => [k, g.getState()]));
    metadata.generators = JSON.stringify(states);
  }
  if (contents.extra !== undefined) {
    const json = JSON.stringify(contents.extra);
    if (json === undefined) throw new TypeError(`${op}: extra must be JSON-serialisable, got ${describe(contents.extra)}`);
    metadata.extra = json;
  }
  return encodeSafetensors(tensors, metadata);
}

function parseJson(metadata: Record<string, string>, key: string, op: string): unknown {
  try {
    return JSON.parse(metadata[key]!);
  } catch (e) {
    throw new Error(`${op}: the checkpoint's ${key} metadata is not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

function missingPart(op: string, part: string): Error {
  return new Error(`${op}: a target ${part} was given but the checkpoint holds no ${part} state`);
}

/**
 * Restores a `saveCheckpoint` result into the given model (and optimiser, scheduler, generators).
 * @example
 * const { extra } = loadCheckpoint(bytes, { model, optimizer: opt, generator: gen });
 */
export function loadCheckpoint(bytes: Uint8Array, targets: CheckpointTargets): LoadedCheckpoint {
  const op = 'loadCheckpoint';
  if (typeof targets?.model?.loadStateDict !== 'function') throw new TypeError(`${op}: targets.model must be a Module, got ${describe(targets?.model)}`);
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(`${op}: not a pqkd checkpoint: metadata format is ${describe(metadata.format)}, expected "${CHECKPOINT_FORMAT}"`);
  }
  const asTensor = (r: TensorRecord): Tensor => Tensor.fromData(r.data, r.shape, r.dtype);
  const model: StateDict = {};
  const optimizerBuffers = new Map<number, Record<string, Tensor>>();
  for (const [name, r] of Object.entries(tensors)) {
    const opt = /^optimizer\.(\d+)\.([^.]+)$/.exec(name);
    if (name.startsWith('model.')) model[name.slice('model.'.length)] = asTensor(r);
    else if (opt !== null) {
      const i = Number(opt[1]);
      const buffers = optimizerBuffers.get(i) ?? {};
      buffers[opt[2]!] = asTensor(r);
      optimizerBuffers.set(i, buffers);
    } else throw new Error(`${op}: unexpected tensor ${JSON.stringify(name)} in the checkpoint`);
  }
  targets.model.loadStateDict(model, { strict: targets.strict ?? true });
  if (targets.optimizer !== undefined) {
    if (metadata.optimizer === undefined) throw missingPart(op, 'optimizer');
    const saved = parseJson(metadata, 'optimizer', op) as { type: string; hyperparameters: OptimizerStateDict['hyperparameters']; steps: (number | null)[] };
    if (!Array.isArray(saved?.steps)) throw new Error(`${op}: the checkpoint's optimizer metadata has no steps list`);
    const state = saved.steps.map((step, i): ParamState | null => (step === null ? null : { step, buffers: optimizerBuffers.get(i) ?? {} }));
    targets.optimizer.loadStateDict({ type: saved.type, hyperparameters: saved.hyperparameters, state });
  }
  if (targets.scheduler !== undefined) {
    if (metadata.scheduler === undefined) throw missingPart(op, 'scheduler');
    targets.scheduler.loadStateDict(parseJson(metadata, 'scheduler', op) as SchedulerStateDict);
  }
  if (targets.generator !== undefined) {
    if (metadata.generators === undefined) throw missingPart(op, 'generator');
    const states = parseJson(metadata, 'generators', op) as Record<string, GeneratorState>;
    const wanted = namedGenerators(targets.generator, op);
    const names = Object.keys(wanted);
    const absent = names.filter((n) => !Object.hasOwn(states, n));
    if (absent.length > 0) {
      throw new Error(`${op}: the checkpoint has no state for generator(s) ${absent.join(', ')} (it has ${Object.keys(states).join(', ') || 'none'})`);
    }
    const probes = names.map((n) => Generator.fromState(states[n]!)); // validates every state first
    names.forEach((n, i) => wanted[n]!.setState(probes[i]!.getState()));
  }
  return { extra: metadata.extra === undefined ? undefined : parseJson(metadata, 'extra', op) };
}
