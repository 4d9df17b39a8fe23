#!/usr/bin/env node
// The project's performance yardstick: each server under each load, one at a time, measured by the same C
// load generator over the same steady window. See README.md for what the columns mean.
//   node bench/run.mjs [--quick] [--rounds N] [--servers a,b] [--loads x,y] [--no-loop-delay] [--help]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderChart } from './lib/chart.mjs';
import { canPinCpus, stopAllChildren } from './lib/child.mjs';
import { ENGINES, LOADS, PROFILES, SERVERS, describeChoices, describeLoad, selectByName, warmupFor } from './lib/config.mjs';
import { measureRun } from './lib/measure.mjs';
import { buildNative, checkEngines, ensureAppsBuilt } from './lib/prepare.mjs';
import { QuietMachine } from './lib/quiet.mjs';
import { clockTicksPerSecond, machineInfo } from './lib/proc.mjs';
import { checkIoUringTarget, ioUringFloor, summarizeLoad } from './lib/summary.mjs';
import { formatTable, formatTargetChecks } from './lib/table.mjs';

/** A long list for the help: wrapped to 110 columns, every line indented under the options' text. */
function wrapList(text, indent) {
  const lines = [''];
  for (const word of text.split(' ')) {
    if (lines.at(-1) && indent + lines.at(-1).length + 1 + word.length > 110) lines.push('');
    lines[lines.length - 1] += lines.at(-1) ? ` ${word}` : word;
  }
  return lines.map((line) => `${' '.repeat(indent)}${line}`).join('\n');
}

const HELP = `Usage: pnpm bench [options]      (or: node bench/run.mjs [options])

Runs every server under every load, one at a time, and prints one table block per load, then the io_uring
target's checks (ratios marked pass or FAIL, never a failed run). Each game-server strategy runs once per
engine, OVERLAPPED_BACKEND=${ENGINES.join(' then ')}; an engine the addon cannot run here is left out, with the
reason. Results also go to bench/results/latest.json and bench/results/latest.svg.

Options:
  --quick              1 round, 1 s warm-up, 2 s windows, four loads: about 3 minutes
  --rounds <n>         rounds per server and load; the median is reported (default 3, --quick 1)
  --warmup <s>         seconds of traffic before the window (default 2, --quick 1; rate loads: at least 1.5 intervals)
  --measure <s>        seconds in the measured window (default 5, --quick 2)
  --servers <a,b>      only these servers (ids or display names; a strategy without its engine means both):
${wrapList(describeChoices(SERVERS), 23)}
  --loads <x,y>        only these loads: ${LOADS.map((load) => load.name).join(', ')}
  --no-loop-delay      run the Node servers without the event-loop-delay preload (its 1 ms timer costs a little CPU)
  --no-wait-quiet      start each run at once instead of waiting (up to 30 s) for other processes to go idle
  -h, --help           show this help
`;

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const buildDir = join(benchDir, 'build');
const resultsDir = join(benchDir, 'results');
const paths = {
  benchDir,
  repoRoot,
  buildDir,
  echoEpoll: join(buildDir, 'echo_epoll'),
  echoUring: join(buildDir, 'echo_uring'),
  loadgen: join(buildDir, 'loadgen'),
  loopDelayPreload: join(benchDir, 'preload', 'loop-delay.mjs'),
  gameServerMain: join(repoRoot, 'apps', 'game-server', 'dist', 'main.js'),
  addonEntry: join(repoRoot, 'packages', 'winsock-native', 'dist', 'index.js'),
};

const log = (line) => process.stderr.write(`${line}\n`);

function positiveNumber(text, name, { integer = false } = {}) {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return value;
}

function parseSettings(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      measure: { type: 'string' },
      servers: { type: 'string' },
      loads: { type: 'string' },
      'no-loop-delay': { type: 'boolean', default: false },
      'no-wait-quiet': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const profile = values.quick ? PROFILES.quick : PROFILES.full;
  const defaultLoads = LOADS.filter((load) => profile.loads.includes(load.name));
  return {
    help: values.help,
    quick: values.quick,
    rounds: values.rounds ? positiveNumber(values.rounds, 'rounds', { integer: true }) : profile.rounds,
    warmupS: values.warmup ? positiveNumber(values.warmup, 'warmup') : profile.warmupS,
    measureS: values.measure ? positiveNumber(values.measure, 'measure') : profile.measureS,
    servers: selectByName(SERVERS, values.servers, 'server'),
    loads: values.loads ? selectByName(LOADS, values.loads, 'load') : defaultLoads,
    loopDelay: !values['no-loop-delay'],
    waitQuiet: !values['no-wait-quiet'],
  };
}

/** Builds what is missing and checks the engines; returns the servers that can run (an engine may be left out). */
function prepare(settings) {
  buildNative(paths);
  const buildNotes = settings.servers.some((server) => server.needsApps) ? ensureAppsBuilt(paths, log) : [];
  for (const note of buildNotes) log(`note: ${note}`);
  const engines = checkEngines(settings.servers, paths);
  if (engines.confirmed.length) log(`engines: ${engines.confirmed.join(', ')} confirmed by the addon's getEngine()`);
  for (const note of engines.notes) log(`note: ${note}`);
  if (engines.servers.length === 0) throw new Error('no server left to run');
  const cpuCount = machineInfo(repoRoot).nproc;
  const pinned = canPinCpus(cpuCount);
  if (pinned) log('pinning: server on CPU 0, load generator on CPU 1 (taskset)');
  else log(`not pinning CPUs: ${cpuCount < 2 ? 'fewer than 2 CPUs' : 'taskset not found (util-linux)'}; running unpinned`);
  return { pinned, notes: [...buildNotes, ...engines.notes], servers: engines.servers };
}

function estimateSeconds(settings) {
  const perRunOverheadS = 1; // waiting for a quiet machine, server start, teardown
  return settings.loads.reduce((total, load) => {
    const connectS = load.connections / 5000;
    const runS = perRunOverheadS + connectS + warmupFor(load, settings.warmupS) + settings.measureS;
    return total + runS * settings.servers.length * settings.rounds;
  }, 0);
}

function formatRun(run) {
  if (run.error) return `ERROR ${run.error}`;
  const cpu = run.cpuUsPerMessage == null ? '-' : run.cpuUsPerMessage.toFixed(2);
  return `${Math.round(run.messagesPerS)} msgs/s, ${cpu} us/msg, p99 ${run.p99Us} us`;
}

/** Loads one after another; within a load, rounds of every server in turn, so drift hits all servers alike. */
async function measureAll(settings, context) {
  const results = [];
  const totalRuns = settings.loads.length * settings.rounds * settings.servers.length;
  let runNumber = 0;
  const quiet = new QuietMachine(context.clockTicks, log);
  for (const load of settings.loads) {
    const runsByServer = new Map(settings.servers.map((server) => [server.name, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const server of settings.servers) {
        runNumber++;
        if (settings.waitQuiet) await quiet.settle();
        const run = await measureRun({ load, server, paths, settings, ...context });
        runsByServer.get(server.name).push({ round, ...run });
        log(`[${runNumber}/${totalRuns}] ${load.name} / ${server.name} / round ${round}: ${formatRun(run)}`);
      }
    }
    results.push({ load, rows: summarizeLoad(load, settings.servers, runsByServer), runs: Object.fromEntries(runsByServer) });
  }
  context.quietWaitS = quiet.waitedMs / 1000;
  return results;
}

function writeResults(results, targetChecks, floor, settings, context, startedAt) {
  mkdirSync(resultsDir, { recursive: true });
  const machine = machineInfo(repoRoot);
  const durationS = (Date.now() - startedAt) / 1000;
  const report = {
    machine,
    settings: {
      quick: settings.quick,
      rounds: settings.rounds,
      warmupS: settings.warmupS,
      measureS: settings.measureS,
      loopDelay: settings.loopDelay,
      pinned: context.pinned,
      clockTicksPerSecond: context.clockTicks,
    },
    durationS,
    waitedForQuietMachineS: context.quietWaitS,
    notes: context.notes,
    loads: results.map(({ load, rows, runs }) => ({ ...load, description: describeLoad(load), servers: rows, runs })),
    ioUringTarget: targetChecks,
    ioUringFloor: floor,
  };
  const jsonPath = join(resultsDir, 'latest.json');
  const svgPath = join(resultsDir, 'latest.svg');
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const rounds = settings.rounds === 1 ? '1 round' : `median of ${settings.rounds} rounds`;
  const subtitle = [
    `${machine.cpu}, ${machine.nproc} CPUs, Linux ${machine.kernel}, Node ${machine.node}`,
    `${rounds}, ${settings.measureS} s windows, ${machine.date.slice(0, 16).replace('T', ' ')} UTC` +
      (machine.git ? `, commit ${machine.git.commit}${machine.git.dirty ? ' + local changes' : ''}` : ''),
  ];
  writeFileSync(svgPath, renderChart(results, settings.servers, subtitle));
  return { jsonPath, svgPath, durationS };
}

async function main() {
  let settings;
  try {
    settings = parseSettings(process.argv.slice(2));
  } catch (error) {
    log(`bench: ${error.message}\n\n${HELP}`);
    return 2;
  }
  if (settings.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const startedAt = Date.now();
  let prepared;
  try {
    prepared = prepare(settings);
  } catch (error) {
    log(`bench: ${error.message}`);
    return 1;
  }
  settings = { ...settings, servers: prepared.servers };
  const context = { pinned: prepared.pinned, notes: prepared.notes, clockTicks: clockTicksPerSecond() };
  log(
    `bench: ${settings.loads.length} load(s) x ${settings.servers.length} server(s) x ${settings.rounds} round(s), ` +
      `${settings.measureS} s windows, about ${Math.max(1, Math.round(estimateSeconds(settings) / 60))} min`,
  );
  const results = await measureAll(settings, context);
  const targetChecks = checkIoUringTarget(results);
  const floor = ioUringFloor(results);
  const { jsonPath, svgPath, durationS } = writeResults(results, targetChecks, floor, settings, context, startedAt);
  process.stdout.write(`\n${formatTable(results, settings)}\n\n${formatTargetChecks(targetChecks, floor)}\n\n`);
  log(`bench: done in ${durationS.toFixed(0)} s; wrote ${jsonPath} and ${svgPath}`);
  return 0;
}

// Ctrl-C or a kill of the runner: stop the children first, by pid, so no server or loadgen outlives it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    log(`bench: ${signal}, stopping the running processes`);
    await stopAllChildren();
    process.exit(130);
  });
}

process.exitCode = await main();
