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

/** Full: 3 rounds of 5 s windows. --quick: one round of short windows on four loads, about a minute. */
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

const GAME_SERVER_LISTENING = /^Listening on [\d.]+:(\d+)\b/;
const BENCH_LISTENING = /^LISTENING (\d+)$/;

function gameServer(strategy) {
  return {
    id: `game-server-${strategy}`,
    name: `game-server ${strategy}`,
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
  gameServer('event'),
  gameServer('callback'),
  gameServer('iocp'),
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
    listening: BENCH_LISTENING,
    args: () => ['0'],
  },
];

export const REFERENCE = { c: 'C epoll', nodeNet: 'node:net' };

/** The command line of a server: Node servers get the loop-delay preload via --import. */
export function serverCommand(server, paths, withLoopDelay) {
  if (!server.node) return { file: paths.echoEpoll, args: server.args(paths) };
  const preload = withLoopDelay ? ['--import', pathToFileURL(paths.loopDelayPreload).href] : [];
  return { file: process.execPath, args: [...preload, ...server.args(paths)] };
}

/** --servers and --loads take ids or display names, comma-separated, case-insensitive. */
export function selectByName(all, wanted, kind) {
  if (!wanted) return all;
  const names = wanted.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const picked = [];
  for (const name of names) {
    const found = all.find((item) => item.name.toLowerCase() === name || item.id?.toLowerCase() === name);
    if (!found) {
      const known = all.map((item) => item.id ?? item.name).join(', ');
      throw new Error(`unknown ${kind} '${name}' (known: ${known})`);
    }
    picked.push(found);
  }
  return all.filter((item) => picked.includes(item)); // the canonical order, whatever order was typed
}
