// Before measuring: the C programs built (cmake + make into bench/build, only what changed), the apps
// built (`pnpm build` if the game-server's dist is missing; a note if a source is newer than its build), and
// each engine the game-server rows ask for confirmed by the addon itself.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runToCompletion } from './child.mjs';
import { serverEnv } from './config.mjs';

const NATIVE_BUILD_TIMEOUT_MS = 120_000;
const APPS_BUILD_TIMEOUT_MS = 600_000;
const ENGINE_PROBE_TIMEOUT_MS = 15_000;

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

/**
 * Why the addon, started with OVERLAPPED_BACKEND=<engine>, does not run that engine: its own error (io_uring
 * refused by the kernel or a seccomp filter), or the engine it ran instead. null if it runs the engine asked for.
 */
function engineProblem(engine, { repoRoot, addonEntry }) {
  const script =
    `import(${JSON.stringify(pathToFileURL(addonEntry).href)})` +
    '.then((addon) => console.log(addon.getEngine().name))' +
    '.catch((error) => { console.error(error.message); process.exit(1); })';
  const { ok, output, stdout } = runToCompletion(process.execPath, ['-e', script], {
    cwd: repoRoot,
    env: serverEnv({ env: { OVERLAPPED_BACKEND: engine } }),
    timeoutMs: ENGINE_PROBE_TIMEOUT_MS,
  });
  if (!ok) return output.trim().split('\n')[0] || 'the probe failed without a message';
  const ran = stdout.trim().split('\n').at(-1);
  return ran === engine ? null : `the addon ran ${ran || 'no engine'} instead`;
}

/**
 * Checks once, before any run, that each engine among the servers really runs: a row labelled io_uring that
 * ran on epoll would compare epoll with itself. Servers on an engine that cannot run here (a game-server on
 * it, or a C program that `requires` it) are dropped, with the reason, so the rest is still measured; so is a
 * C program the native build could not make.
 * @returns {{ servers: object[], confirmed: string[], notes: string[] }}
 */
export function checkEngines(servers, paths) {
  const problems = new Map();
  for (const server of servers) {
    const engine = server.engine ?? server.requires;
    if (engine && !problems.has(engine)) problems.set(engine, engineProblem(engine, paths));
  }
  const problemOf = (server) => {
    const engineProblemText = problems.get(server.engine ?? server.requires);
    if (engineProblemText) return `OVERLAPPED_BACKEND=${server.engine ?? server.requires} does not run here (${engineProblemText})`;
    if (server.binary && !existsSync(paths[server.binary])) {
      return `bench/native built no ${basename(paths[server.binary])} (liburing.h was missing: bash scripts/setup.sh installs liburing-dev)`;
    }
    return null;
  };
  const dropped = new Map();
  for (const server of servers) {
    const problem = problemOf(server);
    if (problem) dropped.set(problem, [...(dropped.get(problem) ?? []), server.name]);
  }
  const confirmed = [...problems].filter(([, problem]) => !problem).map(([engine]) => engine);
  const notes = [...dropped].map(([problem, names]) => `not measuring ${names.join(', ')}: ${problem}`);
  return { servers: servers.filter((server) => !problemOf(server)), confirmed, notes };
}
