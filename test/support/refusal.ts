import assert from 'node:assert/strict';
import { AppError } from '../../server/src/errors';

/** The catalogue error that `run` throws (a domain refusal), failing the test when it throws none. */
export function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  return assert.fail('expected a refusal');
}
