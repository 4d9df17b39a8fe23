// From rounds of runs to one row per server and load: the median of each metric over the rounds that
// worked, and the ratios against the two reference servers measured in the same invocation.
import { REFERENCE } from './config.mjs';

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
function summarizeServer(load, serverName, runs) {
  const ok = runs.filter((run) => !run.error);
  const failed = runs.filter((run) => run.error);
  const row = { server: serverName, rounds: runs.length, failedRounds: failed.length };
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
 * @param {string[]} serverNames in display order
 * @param {Map<string, object[]>} runsByServer each server's runs of this load, one per round
 */
export function summarizeLoad(load, serverNames, runsByServer) {
  const rows = serverNames.map((name) => summarizeServer(load, name, runsByServer.get(name) ?? []));
  const reference = (name) => rows.find((row) => row.server === name && !row.error);
  const c = reference(REFERENCE.c);
  const nodeNet = reference(REFERENCE.nodeNet);
  for (const row of rows) {
    if (row.error) continue;
    row.cpuVsC = ratio(row.cpuUsPerMessage, c?.cpuUsPerMessage);
    row.cpuVsNodeNet = ratio(row.cpuUsPerMessage, nodeNet?.cpuUsPerMessage);
    // Under a rate load every server that keeps up has the same throughput; only ping-pong tells them apart.
    row.throughputVsC = load.mode === 'pingpong' ? ratio(row.messagesPerS, c?.messagesPerS) : null;
  }
  return rows;
}
