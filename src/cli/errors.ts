/**
 * Errors the CLI reports as one line on stderr with exit code 2 (bad input: flags, files, configs),
 * as opposed to crashes, which are bugs.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}
