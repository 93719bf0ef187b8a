/**
 * The cost of the interruptible training loop (src/pqkd/train-loop.ts): the async epoch driver hands
 * the event loop one macrotask after every step. `train_loop_yield_x1000` times 1000 such yields;
 * divided by 1000 it is the per-step overhead, to set against a training step (pqkd_student_step_b64,
 * about 100 ms).
 */
import { yieldToEventLoop } from '../src/pqkd/train-loop.js';
import type { BenchSuite } from './harness.js';

export const suite: BenchSuite = {
  name: 'train-loop',
  cases: () => [
    {
      name: 'train_loop_yield_x1000', system: 'pqkd', iterations: 20,
      extra: (ms) => ({ us_per_step: Number(((ms * 1000) / 1000).toFixed(2)) }),
      fn: async () => {
        for (let i = 0; i < 1000; i++) await yieldToEventLoop();
      },
    },
  ],
};
