// One run: one server under one load. Start the server, start the load generator, take the server's
// numbers exactly at the load generator's STEADY_BEGIN and STEADY_END, stop both. Every wait has a timeout;
// whatever goes wrong ends as { error } for that row and the next run starts from a clean slate.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Child, exitedWithin } from './child.mjs';
import { MESSAGE_BYTES, serverCommand, serverEnv, warmupFor } from './config.mjs';
import { otherProcessTicks, otherTicksBetween, readCpuTicks, readRssKb } from './proc.mjs';

const SERVER_START_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_S = 30;
const MARKER_SLACK_MS = 10_000; // beyond the planned warm-up / window, before a missing marker is an error
const RESULT_TIMEOUT_MS = 5_000;
const LOADGEN_EXIT_TIMEOUT_MS = 15_000; // closing 10k connections
const LOOP_DELAY_DUMP_TIMEOUT_MS = 3_000;
const SERVER_CPU = 0;
const LOADGEN_CPU = 1;

let runCounter = 0;

function loadgenArgs(load, port, warmupS, measureS) {
  const args = [
    '--port', String(port), '--connections', String(load.connections), '--size', String(MESSAGE_BYTES),
    '--mode', load.mode, '--warmup', String(warmupS), '--measure', String(measureS),
    '--connect-timeout', String(CONNECT_TIMEOUT_S),
  ];
  if (load.mode === 'rate') args.push('--spread', load.spread, '--interval', String(load.intervalMs));
  return args;
}

/** Resolves like promise, unless the server exits first: then rejects with how it exited. */
function unlessServerExits(promise, server) {
  const exit = server.exited.then(() => {
    throw new Error(`${server.describeExit()} during the run`);
  });
  return Promise.race([promise, exit]);
}

/**
 * The server's CPU first (the window's edge), then the load generator's (is it the bottleneck?), then
 * everyone else's (is the machine busy?).
 */
function snapshot(server, loadgen) {
  const at = performance.now();
  const cpuTicks = readCpuTicks(server.pid);
  const loadgenTicks = readCpuTicks(loadgen.pid);
  return { at, cpuTicks, loadgenTicks, others: otherProcessTicks(new Set([server.pid, loadgen.pid, process.pid])) };
}

/** The preload's second dump (the first one, at STEADY_BEGIN, only reset the histogram). */
async function readLoopDelayWindow(file) {
  const deadline = Date.now() + LOOP_DELAY_DUMP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // not written yet
    }
    const window = text.split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((dump) => dump.dump === 2);
    if (window) return window;
    await sleep(20);
  }
  return null;
}

function loadgenErrorNote(result) {
  if (result.errors === 0) return [];
  return [
    `load generator counted ${result.errors} error(s): ${result.closed} closed, ${result.out_of_order} out of order, ` +
      `${result.skipped} sends skipped, ${result.unanswered} connections never answered`,
  ];
}

function computeMetrics({ load, result, begin, end, rssAtListenKb, loopDelay, clockTicks }) {
  const wallS = (end.at - begin.at) / 1000;
  const cpuTicks = end.cpuTicks - begin.cpuTicks;
  const cpuShare = cpuTicks / clockTicks / wallS; // CPUs the server kept busy over the window
  const messagesPerS = result.messages / result.seconds;
  const otherTicks = otherTicksBetween(begin.others, end.others);
  return {
    messages: result.messages,
    messagesPerS,
    cpuUsPerMessage: messagesPerS > 0 ? (cpuShare / messagesPerS) * 1e6 : null,
    serverCpuPercent: cpuShare * 100,
    cpuTicks,
    loadgenCpuPercent: ((end.loadgenTicks - begin.loadgenTicks) / clockTicks / wallS) * 100,
    otherCpuPercent: (otherTicks / clockTicks / wallS) * 100,
    p50Us: result.p50_us,
    p99Us: result.p99_us,
    p999Us: result.p999_us,
    maxUs: result.max_us,
    loopDelayP99Ms: loopDelay?.p99_ms ?? null,
    loopDelayMaxMs: loopDelay?.max_ms ?? null,
    rssKb: end.rssKb,
    rssAtListenKb,
    rssPerSessionKb: (end.rssKb - rssAtListenKb) / load.connections,
    loadgenErrors: result.errors,
  };
}

/**
 * @returns {Promise<object>} the run's metrics (plus notes), or { error } if it could not be measured
 */
export async function measureRun({ load, server, paths, settings, pinned, clockTicks }) {
  const warmupS = warmupFor(load, settings.warmupS);
  const loopDelayFile =
    server.node && settings.loopDelay ? join(tmpdir(), `bench-loop-delay-${process.pid}-${++runCounter}.jsonl`) : null;
  let serverChild = null;
  let loadgen = null;
  try {
    const command = serverCommand(server, paths, Boolean(loopDelayFile));
    serverChild = new Child(`server ${server.name}`, command.file, command.args, {
      cpu: pinned ? SERVER_CPU : null,
      env: serverEnv(server, { BENCH_LOOP_DELAY_FILE: loopDelayFile ?? '' }), // the engine, for a game-server
      cwd: paths.repoRoot,
    });
    const [, port, ranEngine] = await serverChild.waitForLine(server.listening, SERVER_START_TIMEOUT_MS, 'listening line');
    // The check at start covers the addon; this one the server itself: a row never measures another engine.
    if (server.engine && ranEngine && ranEngine !== server.engine) {
      throw new Error(`the server says it runs ${ranEngine}, not ${server.engine}`);
    }
    const rssAtListenKb = readRssKb(serverChild.pid); // before any client: the baseline of RSS per session

    loadgen = new Child('load generator', paths.loadgen, loadgenArgs(load, port, warmupS, settings.measureS), {
      cpu: pinned ? LOADGEN_CPU : null,
    });
    const next = (pattern, timeoutMs, what) => unlessServerExits(loadgen.waitForLine(pattern, timeoutMs, what), serverChild);
    await next(/^CONNECTED /, (CONNECT_TIMEOUT_S + 5) * 1000, 'CONNECTED line');
    await next(/^STEADY_BEGIN$/, warmupS * 1000 + MARKER_SLACK_MS, 'STEADY_BEGIN');
    const begin = snapshot(serverChild, loadgen);
    if (loopDelayFile) serverChild.signal('SIGUSR2'); // reset: the loop-delay window starts now too
    await next(/^STEADY_END$/, settings.measureS * 1000 + MARKER_SLACK_MS, 'STEADY_END');
    const end = { ...snapshot(serverChild, loadgen), rssKb: readRssKb(serverChild.pid) };
    if (loopDelayFile) serverChild.signal('SIGUSR2'); // dump the window
    const [resultLine] = await next(/^\{.*\}$/, RESULT_TIMEOUT_MS, 'result line');
    const result = JSON.parse(resultLine);
    const loopDelay = loopDelayFile ? await readLoopDelayWindow(loopDelayFile) : null;
    await exitedWithin(loadgen, LOADGEN_EXIT_TIMEOUT_MS);
    if (!serverChild.running) throw new Error(`${serverChild.describeExit()} during the run`);

    const metrics = computeMetrics({ load, result, begin, end, rssAtListenKb, loopDelay, clockTicks });
    const notes = loadgenErrorNote(result);
    if (loopDelayFile && !loopDelay) notes.push('no loop-delay dump from the preload');
    if (loadgen.running) notes.push(`load generator still running ${LOADGEN_EXIT_TIMEOUT_MS / 1000} s after its results`);
    else if (loadgen.exitInfo.code !== 0) notes.push(loadgen.describeExit());
    return { ...metrics, notes };
  } catch (error) {
    return { error: error.message };
  } finally {
    await loadgen?.stop();
    await serverChild?.stop();
    if (loopDelayFile) rmSync(loopDelayFile, { force: true });
  }
}
