// What is measured: the servers, the loads, and how long each run lasts in a full and a --quick run.
import { pathToFileURL } from 'node:url';

export const MESSAGE_BYTES = 100;

/**
 * Each load is one loadgen configuration. rate loads are open loop (the server must keep up with a fixed
 * message rate, so what tells servers apart is the CPU it spends); pingpong loads are closed loop (one
 * message in flight per connection, so throughput is what the server can do).
 */
export const LOADS = [
  { name: 'rate-100-staggered', connections: 100, mode: 'rate', spread: 'staggered', intervalMs: 10 },
  { name: 'rate-100-burst', connections: 100, mode: 'rate', spread: 'burst', intervalMs: 10 },
  { name: 'rate-500', connections: 500, mode: 'rate', spread: 'staggered', intervalMs: 10 },
  { name: 'pingpong-100', connections: 100, mode: 'pingpong' },
  { name: 'pingpong-1000', connections: 1000, mode: 'pingpong' },
  { name: 'idle-10k', connections: 10000, mode: 'rate', spread: 'staggered', intervalMs: 1000 },
];

export function describeLoad(load) {
  const each = `${load.connections} connections x ${MESSAGE_BYTES} B`;
  if (load.mode === 'pingpong') return `${each}, one message in flight each (closed loop)`;
  const every = load.intervalMs >= 1000 ? `${load.intervalMs / 1000} s` : `${load.intervalMs} ms`;
  const when = load.spread === 'burst' ? 'all in one burst per tick' : 'send times spread evenly';
  return `${each}, one message every ${every} each, ${when}`;
}

/** Full: 3 rounds of 5 s windows (about 20 minutes). --quick: one round of short windows on four loads, about 3 minutes. */
export const PROFILES = {
  full: { rounds: 3, warmupS: 2, measureS: 5, loads: LOADS.map((load) => load.name) },
  quick: {
    rounds: 1,
    warmupS: 1,
    measureS: 2,
    loads: ['rate-100-staggered', 'rate-500', 'pingpong-100', 'idle-10k'],
  },
};

/**
 * A rate load is steady only once every connection has sent: the warm-up covers at least one interval
 * (and half again, so the first echoes are back too).
 */
export function warmupFor(load, profileWarmupS) {
  return load.mode === 'rate' ? Math.max(profileWarmupS, (1.5 * load.intervalMs) / 1000) : profileWarmupS;
}

// The port, and the engine the game-server says it runs (builds before it printed one: no engine group).
const GAME_SERVER_LISTENING = /^Listening on [\d.]+:(\d+)\b(?:.*\bengine ([\w-]+))?/;
const BENCH_LISTENING = /^LISTENING (\d+)$/;

/**
 * The addon's Linux engines, in the order each strategy runs on them. OVERLAPPED_BACKEND picks one per process;
 * epoll is what io_uring is measured against (the "x epoll" column and the io_uring target).
 */
export const ENGINES = ['io_uring', 'epoll'];
export const BASELINE_ENGINE = 'epoll';
const STRATEGIES = ['event', 'callback', 'iocp'];

/**
 * One game-server strategy on one engine. `family` is the strategy on every engine: it is how a row finds the
 * same strategy on epoll, and `--servers game-server-iocp` means both engines.
 */
function gameServer(strategy, engine) {
  return {
    id: `game-server-${strategy}-${engine}`,
    name: `game-server ${strategy} (${engine})`,
    family: `game-server-${strategy}`,
    engine,
    env: { OVERLAPPED_BACKEND: engine },
    node: true,
    needsApps: true,
    listening: GAME_SERVER_LISTENING,
    // --quiet still prints a stats line a second; the runner skips it. --max-sessions above idle-10k.
    args: ({ repoRoot }) => [
      `${repoRoot}/apps/game-server/dist/main.js`,
      '--strategy', strategy, '--echo', '--quiet', '--port', '0', '--max-sessions', '20000',
    ],
  };
}

export const SERVERS = [
  ...STRATEGIES.flatMap((strategy) => ENGINES.map((engine) => gameServer(strategy, engine))),
  {
    id: 'node-net',
    name: 'node:net',
    node: true,
    listening: BENCH_LISTENING,
    args: ({ benchDir }) => [`${benchDir}/servers/node-net-echo.mjs`, '0'],
  },
  {
    id: 'c-epoll',
    name: 'C epoll',
    node: false,
    binary: 'echoEpoll',
    listening: BENCH_LISTENING,
    args: () => ['0'],
  },
  // The io_uring floor: what a C program pays on this kernel, once with the task work the addon's rings use
  // (at once, interrupting the thread: the addon sleeps in epoll and serves several threads) and once deferred
  // to its own io_uring_enter (what only a single-threaded ring owner can choose). Left out with the io_uring
  // engine, and where liburing was missing when bench/native was built.
  ...[['c-io_uring', 'C io_uring', 'normal'], ['c-io_uring-defer', 'C io_uring (defer)', 'defer']].map(([id, name, mode]) => ({
    id,
    name,
    node: false,
    binary: 'echoUring',
    requires: 'io_uring',
    listening: BENCH_LISTENING,
    args: () => ['0', mode],
  })),
];

/** The same server family (strategy) on another engine, if it is among servers. */
export function onEngine(server, engine, servers) {
  if (!server.family) return undefined;
  return servers.find((other) => other.family === server.family && other.engine === engine);
}

export const REFERENCE = { c: 'C epoll', nodeNet: 'node:net' };

/** The command line of a server: Node servers get the loop-delay preload via --import. */
export function serverCommand(server, paths, withLoopDelay) {
  if (!server.node) return { file: paths[server.binary], args: server.args(paths) };
  const preload = withLoopDelay ? ['--import', pathToFileURL(paths.loopDelayPreload).href] : [];
  return { file: process.execPath, args: [...preload, ...server.args(paths)] };
}

/** The environment of a server's process: the runner's, plus what the server sets (its engine). */
export function serverEnv(server, extra = {}) {
  return { ...process.env, ...server.env, ...extra };
}

/** The names --servers / --loads know, for the help and for an unknown name: ids, then the families. */
export function describeChoices(all) {
  const ids = all.map((item) => item.id ?? item.name).join(', ');
  const families = [...new Set(all.map((item) => item.family).filter(Boolean))];
  return families.length ? `${ids}; on every engine: ${families.join(', ')}` : ids;
}

const matchesName = (item, name) => [item.id, item.name, item.family].some((key) => key?.toLowerCase() === name);

/**
 * --servers and --loads take ids or display names, comma-separated, case-insensitive. A family (a strategy
 * without its engine, `game-server-iocp`) picks the strategy on every engine.
 */
export function selectByName(all, wanted, kind) {
  if (!wanted) return all;
  const names = wanted.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const picked = [];
  for (const name of names) {
    const found = all.filter((item) => matchesName(item, name));
    if (found.length === 0) throw new Error(`unknown ${kind} '${name}' (known: ${describeChoices(all)})`);
    picked.push(...found);
  }
  return all.filter((item) => picked.includes(item)); // the canonical order, whatever order was typed
}
