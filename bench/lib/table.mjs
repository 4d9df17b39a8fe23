// The table on stdout: one block per load, one row per server, notes and errors under the block; then the
// io_uring target's checks, ratios marked pass or FAIL.
import { REFERENCE, describeLoad } from './config.mjs';
import { IO_URING_TARGET } from './summary.mjs';

const fixed = (digits) => (value) => (value == null ? '-' : value.toFixed(digits));
const times = (value) => (value == null ? '-' : `${value.toFixed(2)}x`);
const thousands = (value) => (value == null ? '-' : Math.round(value).toLocaleString('en-US'));
const adaptive = (value) => (value == null ? '-' : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2));

const COLUMNS = [
  { title: 'server', value: (row) => row.server, left: true },
  { title: 'msgs/s', value: (row) => thousands(row.messagesPerS) },
  { title: 'CPU us/msg', value: (row) => fixed(2)(row.cpuUsPerMessage) },
  { title: 'x C', value: (row) => times(row.cpuVsC) },
  { title: 'x node:net', value: (row) => times(row.cpuVsNodeNet) },
  { title: 'x epoll', value: (row) => times(row.cpuVsEpoll) },
  { title: 'msgs/s x C', value: (row) => times(row.throughputVsC), pingpongOnly: true },
  { title: 'p50 us', value: (row) => adaptive(row.p50Us) },
  { title: 'p99 us', value: (row) => adaptive(row.p99Us) },
  { title: 'p999 us', value: (row) => adaptive(row.p999Us) },
  { title: 'loop p99 ms', value: (row) => fixed(2)(row.loopDelayP99Ms) },
  { title: 'loop max ms', value: (row) => fixed(2)(row.loopDelayMaxMs) },
  { title: 'RSS MB', value: (row) => fixed(1)(row.rssKb == null ? null : row.rssKb / 1024) },
  { title: 'RSS/session KB', value: (row) => fixed(2)(row.rssPerSessionKb) },
];

/**
 * Header, rule and rows, each column as wide as its widest cell. A row with fewer cells than columns (an
 * error) ends in one cell that spans the rest: that cell does not widen a column.
 */
function alignedLines(columns, cells) {
  const spans = (line, i) => line.length < columns.length && i === line.length - 1;
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...cells.filter((line) => i < line.length && !spans(line, i)).map((line) => line[i].length)),
  );
  const pad = (text, i) => (columns[i].left ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  const row = (line) => line.map((text, i) => (spans(line, i) ? text : pad(text, i))).join('  ');
  return [row(columns.map((column) => column.title)), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(row)];
}

function formatBlock(load, rows, settings) {
  const columns = COLUMNS.filter((column) => !column.pingpongOnly || load.mode === 'pingpong');
  const cells = rows.map((row) =>
    row.error ? [row.server, `ERROR: ${row.error}`] : columns.map((column) => column.value(row)),
  );
  const rounds = settings.rounds === 1 ? '1 round' : `median of ${settings.rounds} rounds`;
  const lines = [`${load.name}: ${describeLoad(load)} (${rounds}, ${settings.measureS} s windows)`, ...alignedLines(columns, cells)];
  for (const row of rows) for (const note of row.notes ?? []) lines.push(`  note: ${row.server}: ${note}`);
  return lines.join('\n');
}

/** @param {{ load: object, rows: object[] }[]} results */
export function formatTable(results, settings) {
  return results.map(({ load, rows }) => formatBlock(load, rows, settings)).join('\n\n');
}

/** "0.93x pass", "1.12x FAIL"; "n/a" without a ratio; "-" where this ratio is no target on this load. */
function verdictCell(verdict) {
  if (!verdict) return '-';
  if (verdict.pass === null) return 'n/a';
  return `${times(verdict.ratio)} ${verdict.pass ? 'pass' : 'FAIL'}`;
}

const TARGET_COLUMNS = [
  { title: 'load', value: (check) => check.load, left: true },
  { title: 'server', value: (check) => check.server, left: true },
  { title: `CPU x ${REFERENCE.c}`, value: (check) => verdictCell(check.cpuVsC) },
  { title: 'CPU x same on epoll', value: (check) => verdictCell(check.cpuVsEpoll) },
];

/**
 * @param {ReturnType<import('./summary.mjs').checkIoUringTarget>} checks
 * @param {ReturnType<import('./summary.mjs').ioUringFloor>} floor the C io_uring programs, for reference
 */
export function formatTargetChecks(checks, floor = []) {
  const target = IO_URING_TARGET;
  if (checks.length === 0) return `${target.engine} target: not checked (no ${target.engine} server in this run)`;
  const verdicts = checks.flatMap((check) => [check.cpuVsC, check.cpuVsEpoll]).filter((verdict) => verdict?.pass != null);
  const passed = verdicts.filter((verdict) => verdict.pass).length;
  return [
    `${target.engine} target (reported, not enforced): CPU us/msg at most ${times(target.maxCpuVsC)} ${REFERENCE.c}'s ` +
      `${target.cpuVsCWhere}, and at most ${times(target.maxCpuVsEpoll)} the same strategy's on epoll under every load`,
    ...alignedLines(TARGET_COLUMNS, checks.map((check) => TARGET_COLUMNS.map((column) => column.value(check)))),
    `${passed} of ${verdicts.length} checks pass${verdicts.length < checks.length * 2 ? ' ("-": no target on that load; n/a: a ratio is missing)' : ''}`,
    ...(floor.length
      ? [`for reference, io_uring itself here: ${floor.map((entry) => `${entry.server} ${times(entry.cpuVsC)} ${REFERENCE.c} (${entry.load})`).join(', ')}`]
      : []),
  ].join('\n');
}
