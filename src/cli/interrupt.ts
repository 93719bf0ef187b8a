/**
 * SIGINT/SIGTERM handling. The first signal aborts `processInterruption.signal` with an
 * InterruptedError; the trainers (which yield to the event loop after every step, see
 * src/pqkd/train-loop.ts) stop at the next step boundary, the run keeps its last epoch checkpoint,
 * marks its manifest `interrupted` and the process exits with 128 + the signal number (130 for
 * SIGINT, 143 for SIGTERM). A second signal exits at once with the same code: every file of a run is
 * written atomically (temp file + rename), so nothing is left half-written.
 *
 * Code that runs trainings in-process (tests, a queue worker) passes its own AbortSignal to
 * `executeRun` instead; an abort whose reason is an InterruptedError is treated the same way.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

const SIGNAL_NUMBERS: Record<StopSignal, number> = { SIGINT: 2, SIGTERM: 15 };

export class InterruptedError extends Error {
  /** The process exit code (128 + signal number). */
  readonly exitCode: number;
  /** How to continue (set by the code that knows the run directory). */
  resumeHint = '';

  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
    this.exitCode = 128 + SIGNAL_NUMBERS[signal];
  }

  /** The one line printed on stderr. */
  describe(): string {
    return `interrupted by ${this.signal}; the last epoch checkpoint is kept${this.resumeHint ? `; ${this.resumeHint}` : ' (resume with --resume)'}`;
  }
}

const controller = new AbortController();

/** The process-wide interruption (aborted by the first SIGINT/SIGTERM once handlers are installed). */
export const processInterruption: { readonly signal: AbortSignal } = { signal: controller.signal };

/** Aborts the process-wide interruption as the handler of `signal` would (first call only). */
export function requestInterruption(signal: StopSignal): void {
  if (!controller.signal.aborted) controller.abort(new InterruptedError(signal));
}

let installed = false;

/** Installs the SIGINT/SIGTERM handlers of the `pqkd` process (idempotent). */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) {
        process.stderr.write(`pqkd: second ${signal}, exiting now (the last epoch checkpoint is kept; resume with --resume)\n`);
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      }
      requestInterruption(signal);
    });
  }
}
