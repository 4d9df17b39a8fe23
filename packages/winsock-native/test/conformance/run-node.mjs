#!/usr/bin/env node
// Plain-Node conformance runner (no build step, no vitest): runs every case against the built package and
// prints one line per case, then exactly `N passed, N failed`. Exit code 1 if any failed.
//
//   node packages/winsock-native/test/conformance/run-node.mjs [--filter <text>] [--module <path to index.js>]
//
// The cases run in a child process that this one supervises: a case that crashes the process (a native
// fault, an ASan abort) or blocks its thread in a native wait is reported as failed, and the run goes on
// from the next case in a fresh child.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  allCases, CASE_TIMEOUT_MS, countsAsPassed, describeFailure, detectBackend, knownDifference, loadKnownDifferences,
  runCase, verdict,
} from './runner.mjs';

/** Extra time the supervisor grants over the in-process deadline before it kills a blocked child. */
const HANG_GRACE_MS = 15000;
const script = fileURLToPath(import.meta.url);

function parseArgs(/** @type {string[]} */ argv) {
  const opts = { child: false, from: 0, filter: '', module: fileURLToPath(new URL('../../dist/index.js', import.meta.url)) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--child') opts.child = true;
    else if (arg === '--from') opts.from = Number(argv[++i]);
    else if (arg === '--filter') opts.filter = argv[++i] ?? '';
    else if (arg === '--module') opts.module = argv[++i] ?? opts.module;
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

const selected = (/** @type {string} */ filter) => allCases.filter((c) => c.id.includes(filter));

/** Child: run the selected cases from `from` on, one protocol line per start and per result. */
async function child(/** @type {ReturnType<typeof parseArgs>} */ opts) {
  const say = (/** @type {string} */ kind, /** @type {unknown} */ body) => process.stdout.write(`@@${kind} ${JSON.stringify(body)}\n`);
  /** @type {import('./harness.mjs').WinsockApi} */
  let ws;
  try {
    ws = await import(pathToFileURL(opts.module).href);
    const started = ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA());
    if (started !== 0) throw new Error(`WSAStartup returned ${started}`);
  } catch (e) {
    say('fatal', `cannot load ${opts.module}: ${describeFailure(e)}`);
    process.exit(2);
  }
  const cases = selected(opts.filter);
  for (let i = opts.from; i < cases.length; i++) {
    const c = /** @type {import('./harness.mjs').ConformanceCase} */ (cases[i]);
    say('begin', { index: i });
    const r = await runCase(ws, c);
    say('end', { index: i, ok: r.ok, ms: r.ms, detail: r.ok ? '' : describeFailure(r.error) });
  }
  say('done', {});
  // Pending async waits of failed cases must not keep the child alive.
  process.exit(0);
}

/** Supervisor: spawn children until every selected case has a result; print them; summarise. */
async function supervise(/** @type {ReturnType<typeof parseArgs>} */ opts) {
  const backend = detectBackend();
  const diffs = loadKnownDifferences();
  const cases = selected(opts.filter);
  /** @type {string[]} */
  const verdicts = [];
  const report = (/** @type {number} */ index, /** @type {boolean} */ ok, /** @type {number} */ ms, /** @type {string} */ detail) => {
    const c = /** @type {import('./harness.mjs').ConformanceCase} */ (cases[index]);
    const diff = knownDifference(diffs, c.id, backend);
    const v = verdict(ok, diff);
    verdicts[index] = v;
    const label = { pass: 'ok   ', fail: 'FAIL ', xfail: 'xfail', xpass: 'XPASS' }[v];
    let line = `${label} ${c.id} (${ms} ms)`;
    if (v === 'fail') line += `\n      ${c.title}\n      ${detail}`;
    if (v === 'xfail') line += ` known difference on ${backend}: ${diff?.reason}; observed: ${detail}`;
    if (v === 'xpass') line += ` listed in known-differences.json for ${backend} but passed: remove the entry`;
    console.log(line);
  };

  console.log(`conformance: ${cases.length} cases, backend ${backend}, module ${opts.module}`);
  let from = 0;
  let exitFailures = 0;
  while (from < cases.length) {
    const outcome = await runChild(opts, from, report);
    if (outcome.fatal) {
      for (let i = from; i < cases.length; i++) report(i, false, 0, outcome.fatal);
      break;
    }
    if (outcome.lost !== undefined && outcome.lost.index >= cases.length) {
      // Every case reported, then the process failed on its way out (a cleanup hook, a leak check).
      console.log(`FAIL (process exit) ${outcome.lost.why}`);
      exitFailures++;
      break;
    } else if (outcome.lost !== undefined) {
      report(outcome.lost.index, false, outcome.lost.ms, outcome.lost.why);
      from = outcome.lost.index + 1;
    } else {
      from = cases.length;
    }
  }

  const passed = verdicts.filter(countsAsPassed).length;
  const failed = cases.length - passed + exitFailures;
  const expected = cases.filter((_, i) => verdicts[i] === 'xfail').map((c) => c.id);
  if (expected.length > 0) console.log(`(${expected.length} known differences on ${backend}: ${expected.join(', ')})`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

/**
 * One child process from case `from` on. Resolves when it exits: normally, with a fatal setup error, or having
 * lost the case it was running (crash or hang).
 * @param {ReturnType<typeof parseArgs>} opts
 * @param {number} from
 * @param {(index: number, ok: boolean, ms: number, detail: string) => void} report
 * @returns {Promise<{ fatal?: string, lost?: { index: number, ms: number, why: string } }>}
 */
function runChild(opts, from, report) {
  const args = [script, '--child', '--from', String(from), '--filter', opts.filter, '--module', opts.module];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  /** @type {number | undefined} */
  let running;
  let lastEnded = -1;
  let startedAt = 0;
  let done = false;
  /** @type {string | undefined} */
  let fatal;
  let hung = false;
  let stderrTail = '';
  /** @type {NodeJS.Timeout | undefined} */
  let watchdog;
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      hung = true;
      proc.kill('SIGKILL');
    }, CASE_TIMEOUT_MS + HANG_GRACE_MS);
  };
  arm();
  proc.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
  });
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const m = /^@@(\w+) (.*)$/.exec(line);
    if (!m) {
      console.log(`      | ${line}`);
      return;
    }
    const body = JSON.parse(m[2] ?? 'null');
    if (m[1] === 'begin') {
      running = body.index;
      startedAt = Date.now();
      arm();
    } else if (m[1] === 'end') {
      running = undefined;
      lastEnded = body.index;
      report(body.index, body.ok, body.ms, body.detail);
    } else if (m[1] === 'done') {
      done = true;
    } else if (m[1] === 'fatal') {
      fatal = body;
    }
  });
  return new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (fatal) return resolve({ fatal });
      if (done && code === 0) return resolve({});
      const ms = running === undefined ? 0 : Date.now() - startedAt;
      const why = hung
        ? `hung: no result after ${CASE_TIMEOUT_MS + HANG_GRACE_MS} ms (a native call blocked the thread); child killed`
        : `the process died (exit code ${code}, signal ${signal}) while this case ran; stderr: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`;
      // A death between cases is charged to the next case, which never got to run.
      resolve({ lost: { index: running ?? Math.max(from, lastEnded + 1), ms, why } });
    });
  });
}

const opts = parseArgs(process.argv.slice(2));
if (opts.child) {
  await child(opts);
} else {
  await supervise(opts);
}
