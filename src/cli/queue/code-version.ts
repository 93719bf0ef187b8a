/**
 * The code version a queued job records and a worker must match: the pqkd version plus a SHA-256 of
 * the code that runs (the CLI bundle when running from dist/, every .ts file under src/ when running
 * from source). Equal code versions mean equal training code, so a job resumed on another machine
 * continues bit-identically. PQKD_CODE_VERSION overrides it (to test the refusal, or to vouch for a
 * build by hand).
 */
import { sourceCodeVersion } from '../code-version.js';

export function codeVersion(): string {
  const override = process.env.PQKD_CODE_VERSION;
  if (override !== undefined && override !== '') return override;
  return sourceCodeVersion(['.']);
}
