// The table on stdout: one block per load, one row per server, notes and errors under the block.
import { describeLoad } from './config.mjs';

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
  { title: 'msgs/s x C', value: (row) => times(row.throughputVsC), pingpongOnly: true },
  { title: 'p50 us', value: (row) => adaptive(row.p50Us) },
  { title: 'p99 us', value: (row) => adaptive(row.p99Us) },
  { title: 'p999 us', value: (row) => adaptive(row.p999Us) },
  { title: 'loop p99 ms', value: (row) => fixed(2)(row.loopDelayP99Ms) },
  { title: 'loop max ms', value: (row) => fixed(2)(row.loopDelayMaxMs) },
  { title: 'RSS MB', value: (row) => fixed(1)(row.rssKb == null ? null : row.rssKb / 1024) },
  { title: 'RSS/session KB', value: (row) => fixed(2)(row.rssPerSessionKb) },
];

function formatBlock(load, rows, settings) {
  const columns = COLUMNS.filter((column) => !column.pingpongOnly || load.mode === 'pingpong');
  const cells = rows.map((row) =>
    row.error ? [row.server, `ERROR: ${row.error}`] : columns.map((column) => column.value(row)),
  );
  // An error row has two cells: its server name counts for the first column, its message spans the rest.
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...cells.filter((line) => i === 0 || line.length === columns.length).map((line) => line[i].length)),
  );
  const pad = (text, i) => (columns[i].left ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const rounds = settings.rounds === 1 ? '1 round' : `median of ${settings.rounds} rounds`;
  const lines = [
    `${load.name}: ${describeLoad(load)} (${rounds}, ${settings.measureS} s windows)`,
    columns.map((column, i) => pad(column.title, i)).join('  '),
    rule,
  ];
  for (const line of cells) {
    lines.push(line.length === columns.length ? line.map(pad).join('  ') : `${pad(line[0], 0)}  ${line[1]}`);
  }
  for (const row of rows) for (const note of row.notes ?? []) lines.push(`  note: ${row.server}: ${note}`);
  return lines.join('\n');
}

/** @param {{ load: object, rows: object[] }[]} results */
export function formatTable(results, settings) {
  return results.map(({ load, rows }) => formatBlock(load, rows, settings)).join('\n\n');
}
