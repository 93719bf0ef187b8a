export * from './complex-matrix.js';
export * from './random-unitary.js';
export * from './components.js';
export * from './circuit.js';
export * from './mesh.js';
export * from './clements.js';
export * from './tbi.js';
export * from './fock.js';
export * from './permanent.js';
export * from './permanent-repeated.js';
export * from './probability.js';
export * from './estimate.js';
export * from './slos-plan.js';
export * from './slos.js';
export * from './noise.js';
export * from './noisy-slos.js';
export * from './observables.js';
export * from './zero-set.js';
export * from './exact-features.js';
export {
  photonModes,
  sampleOccupations,
  sampleClickMasks,
  type InputState,
  type ShotSampler,
  type ClickSamplingOptions,
} from './sampling.js';
export * from './sampling-variates.js';
export * from './clifford-permanents.js';
export * from './clifford.js';
export * from './distinguishable.js';
export * from './detectors.js';
export * from './features.js';
export * from './features-moments.js';
export * from './shots.js';
export * from './lossy-tbi.js';
