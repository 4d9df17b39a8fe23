// Before measuring: the C programs built (cmake + make into bench/build, only what changed), and the apps
// built (`pnpm build` if the game-server's dist is missing; a note if a source is newer than its build).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runToCompletion } from './child.mjs';

const NATIVE_BUILD_TIMEOUT_MS = 120_000;
const APPS_BUILD_TIMEOUT_MS = 600_000;

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** cmake configures once; make then rebuilds exactly what changed since the last run (a no-op if nothing did). */
export function buildNative({ benchDir, buildDir, echoEpoll, loadgen }) {
  const steps = [];
  if (!existsSync(join(buildDir, 'CMakeCache.txt'))) {
    steps.push(['cmake', ['-S', join(benchDir, 'native'), '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release']]);
  }
  steps.push(['cmake', ['--build', buildDir, '--', '-j2']]);
  for (const [file, args] of steps) {
    const { ok, output } = runToCompletion(file, args, { cwd: benchDir, timeoutMs: NATIVE_BUILD_TIMEOUT_MS });
    if (!ok) throw new Error(`building bench/native failed (${file} ${args.join(' ')}):\n${output.trim()}`);
  }
  for (const binary of [echoEpoll, loadgen]) {
    if (!existsSync(binary)) throw new Error(`the native build produced no ${binary}`);
  }
}

/**
 * The game-server runs from its dist: build it if it is missing. If it is only older than its sources,
 * say so and measure it anyway (another engineer's half-finished change may not build yet).
 */
export function ensureAppsBuilt({ repoRoot, gameServerMain }, log) {
  if (!existsSync(gameServerMain)) {
    log(`${gameServerMain} is missing: running pnpm build`);
    const { ok } = runToCompletion('pnpm', ['build'], { cwd: repoRoot, timeoutMs: APPS_BUILD_TIMEOUT_MS, inherit: true });
    if (!ok || !existsSync(gameServerMain)) {
      throw new Error(`the game-server is not built (${gameServerMain}); run \`pnpm build\` at the repository root`);
    }
    return [];
  }
  const builds = [
    ['apps/game-server/src', 'apps/game-server/dist'],
    ['packages/core/src', 'packages/core/dist'],
    ['packages/protocol/src', 'packages/protocol/dist'],
    ['packages/cli/src', 'packages/cli/dist'],
    ['packages/winsock-native/src', 'packages/winsock-native/build/Release'],
  ];
  return builds
    .filter(([source, output]) => newestMtime(join(repoRoot, source)) > newestMtime(join(repoRoot, output)))
    .map(([source]) => `${source} changed after its last build: run \`pnpm build\` to measure the current code`);
}
