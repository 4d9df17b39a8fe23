// The start every plain-Node check script here shares: its --options, the built addon it tests (--module,
// default ../../dist/index.js) loaded as `ws`, the wait bound, and `check`, which throws with the last error.
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);

/** The value after `name` on the command line, or `fallback`. */
export function option(/** @type {string} */ name, /** @type {string} */ fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

export const modulePath = option('--module', fileURLToPath(new URL('../../dist/index.js', import.meta.url)));
export const moduleUrl = pathToFileURL(modulePath).href;
export const ws = await import(moduleUrl);
export const WAIT_MS = 10000;

export function check(/** @type {unknown} */ condition, /** @type {string} */ what) {
  if (!condition) throw new Error(`${what} (last error ${ws.WSAGetLastError()})`);
}
