/**
 * metrics.jsonl: one JSON object per line, each line written by a single append that ends with a
 * newline. A process killed mid-append leaves at most the last line torn (no newline, or not JSON);
 * readers drop such a line and say so. A bad line anywhere else is corruption: an error naming the
 * file and line, never a crash.
 */
import { CliError } from './errors.js';
import type { MetricLine } from './run-schema.js';

export interface ParsedMetrics {
  lines: MetricLine[];
  /** The torn last line that was dropped (null when the file ended cleanly). */
  torn: string | null;
}

/** Parses the text of a metrics.jsonl file (`path` names it in errors). */
export function parseMetricsText(text: string, path: string): ParsedMetrics {
  if (text === '') return { lines: [], torn: null };
  const parts = text.split('\n');
  // A complete file ends with '\n', so the last part is ''. Anything else is a torn last line.
  const last = parts.pop()!;
  let torn: string | null = last === '' ? null : last;
  const lines: MetricLine[] = [];
  parts.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { kind?: unknown }).kind !== 'string') {
      // Only the very last line can be torn by a crash.
      if (i === parts.length - 1 && torn === null) {
        torn = line;
        return;
      }
      throw new CliError(`${path}: line ${i + 1}: expected one JSON metric object per line, got ${JSON.stringify(line.slice(0, 60))}`);
    }
    lines.push(value as MetricLine);
  });
  return { lines, torn };
}

/** The metric line recorded for a trainer event: epochs are numbered from 1 in files and on screen. */
export function oneBasedEpoch<T extends { epoch?: number }>(event: T): T {
  return event.epoch === undefined ? event : { ...event, epoch: event.epoch + 1 };
}

/** A metric line without its wall-clock fields (what must be identical between a run and its rerun). */
export function deterministicPart(line: MetricLine): string {
  const { seconds: _s, imagesPerSecond: _i, ...rest } = line as MetricLine & { seconds?: number; imagesPerSecond?: number };
  return JSON.stringify(rest);
}
