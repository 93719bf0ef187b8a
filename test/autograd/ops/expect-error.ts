/** Test helper: `fn` must throw an instance of `type` whose message is exactly `message`. */
import { expect } from 'vitest';

export function expectError(fn: () => unknown, type: new (...args: never[]) => Error, message: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${type.name}: ${message}`).toBeInstanceOf(type);
  expect((caught as Error).message).toBe(message);
}
