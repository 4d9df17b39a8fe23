// Running one case, naming the backend, and reading known-differences.json. Shared by the plain Node runner
// (run-node.mjs) and the vitest wrapper (conformance.test.ts).
import { AssertionError } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { createHarness, DEFAULT_TIMEOUT_MS } from './harness.mjs';
import { allCases } from './cases/index.mjs';

export { allCases };

/** A case that has not settled after this long fails (its own waits use DEFAULT_TIMEOUT_MS each). */
export const CASE_TIMEOUT_MS = 30000;

export const BACKENDS = ['linux', 'windows', 'wine'];

/**
 * @typedef {object} KnownDifference
 * @property {string} id        the case id
 * @property {string} backend   one of BACKENDS
 * @property {string} reason    what differs and why it is not a defect of ours (a Wine bug number, a measurement)
 */

/**
 * Which backend this process runs: OVERLAPPED_CONFORMANCE_BACKEND wins; on win32, Wine is told apart from
 * Windows by its Z: drive, which maps the Unix root.
 */
export function detectBackend(env = process.env) {
  const forced = env.OVERLAPPED_CONFORMANCE_BACKEND;
  if (forced) {
    if (!BACKENDS.includes(forced)) throw new Error(`OVERLAPPED_CONFORMANCE_BACKEND=${forced}: expected one of ${BACKENDS.join(', ')}`);
    return forced;
  }
  if (process.platform !== 'win32') return 'linux';
  return existsSync('Z:\\proc\\self') ? 'wine' : 'windows';
}

/**
 * Reads known-differences.json and rejects entries that could silently excuse nothing or the wrong thing.
 * @returns {KnownDifference[]}
 */
export function loadKnownDifferences(file = new URL('./known-differences.json', import.meta.url)) {
  const entries = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error('known-differences.json must hold a JSON array');
  const ids = new Set(allCases.map((c) => c.id));
  for (const e of entries) {
    if (typeof e?.id !== 'string' || !ids.has(e.id)) throw new Error(`known-differences.json: no case has id ${JSON.stringify(e?.id)}`);
    if (!BACKENDS.includes(e.backend)) throw new Error(`known-differences.json: ${e.id}: backend must be one of ${BACKENDS.join(', ')}`);
    if (typeof e.reason !== 'string' || e.reason.trim() === '') throw new Error(`known-differences.json: ${e.id}: a reason is required`);
  }
  return entries;
}

/** The known difference excusing `id` on `backend`, if any. */
export function knownDifference(/** @type {KnownDifference[]} */ diffs, /** @type {string} */ id, /** @type {string} */ backend) {
  return diffs.find((d) => d.id === id && d.backend === backend);
}

/**
 * Runs one case with a fresh harness and cleans up after it, whatever happened.
 * @param {import('./harness.mjs').WinsockApi} ws
 * @param {import('./harness.mjs').ConformanceCase} c
 * @returns {Promise<{ ok: boolean, error?: unknown, ms: number }>}
 */
export async function runCase(ws, c, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const h = createHarness(ws, { timeoutMs });
  const start = Date.now();
  /** @type {unknown} */
  let error;
  try {
    await h.within(c.run(ws, h), CASE_TIMEOUT_MS, `case ${c.id}`);
  } catch (e) {
    error = e;
  }
  try {
    await h.cleanup();
  } catch (e) {
    error ??= e;
  }
  return error === undefined ? { ok: true, ms: Date.now() - start } : { ok: false, error, ms: Date.now() - start };
}

/**
 * pass / fail, or for a case listed as a known difference on this backend: xfail (it failed as recorded,
 * counted as passed and printed with its reason) / xpass (it passed: the entry is stale, counted as failed).
 */
export function verdict(/** @type {boolean} */ ok, /** @type {KnownDifference | undefined} */ difference) {
  if (!difference) return ok ? 'pass' : 'fail';
  return ok ? 'xpass' : 'xfail';
}

/** Does this verdict count as passed in `N passed, N failed`? */
export const countsAsPassed = (/** @type {string} */ v) => v === 'pass' || v === 'xfail';

/** A one-line description of a failure (the assertion message, first line of the stack otherwise). */
export function describeFailure(/** @type {unknown} */ error) {
  if (!(error instanceof Error)) return String(error);
  let text = error.message.split('\n').filter((line) => line.trim() !== '').slice(0, 6).join(' | ');
  // An assertion with our own message hides the values; put them back.
  if (error instanceof AssertionError && !error.generatedMessage) {
    const show = (/** @type {unknown} */ v) => inspect(v, { depth: 2, breakLength: Infinity, maxStringLength: 80 });
    text += ` [actual ${show(error.actual)}, expected ${show(error.expected)}]`;
  }
  return text;
}
