/**
 * Reads the `extra` JSON of a checkpoint file without building a model (to decide how to resume,
 * or to tell a user what a file is).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readSafetensorsHeader } from '../../io/safetensors-header.js';
import { CliError } from '../errors.js';

export function loadCheckpointExtra(path: string): unknown {
  if (!existsSync(path)) return null;
  try {
    const header = readSafetensorsHeader(new Uint8Array(readFileSync(path)));
    const extra = header.metadata.extra;
    return extra === undefined ? null : (JSON.parse(extra) as unknown);
  } catch (error) {
    throw new CliError(`${path}: not a readable pqkd checkpoint: ${(error as Error).message.split('\n')[0]}`);
  }
}
