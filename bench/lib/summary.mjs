// From rounds of runs to one row per server and load: the median of each metric over the rounds that
// worked, the ratios against the two reference servers and against the same strategy on epoll, all measured
// in the same invocation; and the io_uring engine's target, checked on those ratios.
import { BASELINE_ENGINE, REFERENCE, onEngine } from './config.mjs';

const BUSY_MACHINE_PERCENT = 10; // other processes using more than this much of a CPU in a window: a note
const BEHIND_THRESHOLD = 0.95; // a rate load served below 95 % of its offered rate gets a note
const SATURATED_LOADGEN_PERCENT = 90; // a ping-pong load generator this busy may be what limits throughput

const MEDIAN_FIELDS = [
  'messagesPerS', 'cpuUsPerMessage', 'serverCpuPercent', 'p50Us', 'p99Us', 'p999Us', 'maxUs',
  'loopDelayP99Ms', 'loopDelayMaxMs', 'rssKb', 'rssPerSessionKb', 'loadgenCpuPercent',
];

export function median(values) {
  const sorted = values.filter((value) => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function ratio(value, reference) {
  return value != null && reference ? value / reference : null;
}

const isBusy = (run) => run.otherCpuPercent > BUSY_MACHINE_PERCENT;

function offeredRate(load) {
  return load.mode === 'rate' ? (load.connections * 1000) / load.intervalMs : null;
}

/** Rounds of a rate load in which the server did not keep up with the schedule. */
function behindNote(load, runs) {
  const offered = offeredRate(load);
  if (!offered) return null;
  const behind = runs.filter((run) => run.messagesPerS < BEHIND_THRESHOLD * offered);
  if (behind.length === 0) return null;
  const lowest = Math.min(...behind.map((run) => run.messagesPerS));
  return `served below 95 % of the offered ${offered} msgs/s in ${behind.length} of ${runs.length} window(s) (lowest ${Math.round((100 * lowest) / offered)} %)`;
}

/**
 * Medians over the rounds that worked, and of those, over the ones with a quiet machine if there are any:
 * a window shared with a compiler measures the compiler too.
 */
function summarizeServer(load, server, runs) {
  const ok = runs.filter((run) => !run.error);
  const failed = runs.filter((run) => run.error);
  const row = {
    server: server.name, engine: server.engine ?? null, requires: server.requires ?? null, rounds: runs.length, failedRounds: failed.length,
  };
  if (ok.length === 0) return { ...row, error: failed[0]?.error ?? 'not run' };
  const quiet = ok.filter((run) => !isBusy(run));
  const counted = quiet.length > 0 ? quiet : ok;
  for (const field of MEDIAN_FIELDS) row[field] = median(counted.map((run) => run[field]));
  row.loadgenErrors = Math.max(...ok.map((run) => run.loadgenErrors ?? 0));
  row.countedRounds = counted.length;

  const notes = new Set(ok.flatMap((run) => run.notes ?? []));
  const behind = behindNote(load, ok);
  if (behind) notes.add(behind);
  if (load.mode === 'pingpong' && row.loadgenCpuPercent >= SATURATED_LOADGEN_PERCENT) {
    notes.add(
      `the load generator used ${Math.round(row.loadgenCpuPercent)} % of its CPU: msgs/s may be its limit, not the server's (CPU us/msg still holds)`,
    );
  }
  const busy = ok.filter(isBusy);
  if (busy.length) {
    const worst = Math.round(Math.max(...busy.map((run) => run.otherCpuPercent)));
    const treatment = quiet.length > 0 ? 'left out of the median' : 'no quiet window to use instead';
    notes.add(`machine busy in ${busy.length} of ${ok.length} window(s) (other processes up to ${worst} % of a CPU): ${treatment}`);
  }
  if (failed.length) notes.add(`${failed.length} of ${runs.length} rounds failed: ${failed[0].error}`);
  row.notes = [...notes];
  return row;
}

/**
 * @param {object[]} servers in display order (config.mjs SERVERS entries)
 * @param {Map<string, object[]>} runsByServer each server's runs of this load, one per round, by server name
 */
export function summarizeLoad(load, servers, runsByServer) {
  const rows = servers.map((server) => summarizeServer(load, server, runsByServer.get(server.name) ?? []));
  const reference = (name) => rows.find((row) => row.server === name && !row.error);
  const c = reference(REFERENCE.c);
  const nodeNet = reference(REFERENCE.nodeNet);
  servers.forEach((server, i) => {
    const row = rows[i];
    if (row.error) return;
    row.cpuVsC = ratio(row.cpuUsPerMessage, c?.cpuUsPerMessage);
    row.cpuVsNodeNet = ratio(row.cpuUsPerMessage, nodeNet?.cpuUsPerMessage);
    // Like with like: a strategy on io_uring against the same strategy on epoll (the epoll row is 1.00x).
    const onBaseline = onEngine(server, BASELINE_ENGINE, servers);
    row.cpuVsEpoll = onBaseline ? ratio(row.cpuUsPerMessage, reference(onBaseline.name)?.cpuUsPerMessage) : null;
    // Under a rate load every server that keeps up has the same throughput; only ping-pong tells them apart.
    row.throughputVsC = load.mode === 'pingpong' ? ratio(row.messagesPerS, c?.messagesPerS) : null;
  });
  return rows;
}

/**
 * The io_uring engine's goal (the issue it came from): on io_uring, every strategy's CPU per message at most
 * 1.0x the C epoll server's under ping-pong and rate-500, and never above the same strategy on epoll.
 */
export const IO_URING_TARGET = {
  engine: 'io_uring',
  maxCpuVsC: 1.0,
  cpuVsCApplies: (load) => load.mode === 'pingpong' || load.name === 'rate-500',
  cpuVsCWhere: 'under ping-pong and rate-500', // cpuVsCApplies, in words
  maxCpuVsEpoll: 1.0,
};

/** A ratio against its limit; pass is null when there is no ratio (a failed row, a reference not run). */
function verdict(value, limit) {
  const measured = value ?? null;
  return { ratio: measured, limit, pass: measured == null ? null : measured <= limit };
}

/**
 * One check per load and io_uring row. Reported, never enforced: on a shared 2-CPU machine one noisy window
 * moves a ratio by 10 % or more, and the measurements are worth having either way.
 * @param {{ load: object, rows: object[] }[]} results
 * @returns {{ load: string, server: string, cpuVsC: object | null, cpuVsEpoll: object }[]} cpuVsC null where it is no target
 */
export function checkIoUringTarget(results) {
  const target = IO_URING_TARGET;
  return results.flatMap(({ load, rows }) =>
    rows
      .filter((row) => row.engine === target.engine)
      .map((row) => ({
        load: load.name,
        server: row.server,
        cpuVsC: target.cpuVsCApplies(load) ? verdict(row.cpuVsC, target.maxCpuVsC) : null,
        cpuVsEpoll: verdict(row.cpuVsEpoll, target.maxCpuVsEpoll),
      })),
  );
}

/**
 * What io_uring itself costs on this machine, under the loads the target names: the C io_uring programs
 * against the C epoll server. A Node server cannot do better than the C program with the same task-work mode.
 * @returns {{ load: string, server: string, cpuVsC: number }[]}
 */
export function ioUringFloor(results) {
  const target = IO_URING_TARGET;
  return results
    .filter(({ load }) => target.cpuVsCApplies(load))
    .flatMap(({ load, rows }) =>
      rows
        .filter((row) => row.requires === target.engine && row.cpuVsC != null)
        .map((row) => ({ load: load.name, server: row.server, cpuVsC: row.cpuVsC })),
    );
}
