// The soak: for a bounded time, thousands of loopback echo sessions written against the Winsock API, with random
// graceful closes, resets and closesocket-while-pending, and worker threads terminated mid-flight (the body and
// what it checks: fixtures/soak.mjs). It runs in a child process, which must then exit by itself, with no
// socket, event or operation record left in the addon.
//
//   OVERLAPPED_SOAK_SECONDS   run length (default 20; the ASan pass uses 8)
//   OVERLAPPED_SOAK_SESSIONS  population of concurrent sessions (default 2000; the ASan pass uses 300)
//   OVERLAPPED_SOAK_SEED      seed of the byte streams and of every random decision (default: random, printed)
//   OVERLAPPED_SOAK_FAULT     'flip', 'drop' or 'truncate': a server corrupts or loses one echo (the soak must fail)
//   OVERLAPPED_SOAK_WORKER_MODES  how the worker waits, round by round (default async,blocking; also
//                             blocking-infinite: see DEFAULTS.workerModes in fixtures/soak.mjs)
import { beforeAll, describe, expect, it } from 'vitest';
import { PREAMBLE, runChild, type ChildResult } from './helpers/child.js';

const SECONDS = Number(process.env.OVERLAPPED_SOAK_SECONDS ?? 20);
const SESSIONS = Number(process.env.OVERLAPPED_SOAK_SESSIONS ?? 2000);
const SEED = process.env.OVERLAPPED_SOAK_SEED ? Number(process.env.OVERLAPPED_SOAK_SEED) : Math.floor(Math.random() * 2 ** 32);
const SEED_HEX = `0x${SEED.toString(16)}`;
const FAULT = process.env.OVERLAPPED_SOAK_FAULT || null;
/** After the child printed its result it has this long to exit by itself before it is killed. */
const EXIT_DEADLINE_MS = 10_000;
/** The whole child: the run, the closing of every session (bounded by its own deadlines), the exit. */
const CHILD_LIMIT_MS = SECONDS * 1000 + 180_000;

const SOAK = new URL('./fixtures/soak.mjs', import.meta.url).href;
const DIST = new URL('../dist/index.js', import.meta.url).href;

interface Tally {
  started: number;
  immediate: number;
  pending: number;
  failedStart: number;
  completed: number;
  aborted: number;
}
interface SoakResult {
  ok: boolean;
  failures: string[];
  failureCount: number;
  stats: Record<string, number>;
  tally: Record<string, Tally>;
  resourceCountsAvailable: boolean;
  resourceCounts: { sockets: number; events: number; operations: number } | null;
  socketFds: { start: number | null; end: number | null };
}

interface SoakRun {
  child: ChildResult;
  summary: string | undefined;
  result: SoakResult | undefined;
  /** From the result line to the child's exit; null if it had to be killed. */
  exitAfterResultMs: number | null;
}

const WORKER_MODES = process.env.OVERLAPPED_SOAK_WORKER_MODES?.split(',');
const config = { seconds: SECONDS, sessions: SESSIONS, seed: SEED, fault: FAULT, module: DIST, ...(WORKER_MODES ? { workerModes: WORKER_MODES } : {}) };
const script = `${PREAMBLE}
const { runSoak, summarize } = await import(${JSON.stringify(SOAK)});
const result = await runSoak(ws, ${JSON.stringify(config)});
ws.WSACleanup();
console.log('soak-summary ' + summarize(result));
console.log('soak-result ' + JSON.stringify(result));
`;

function runSoakChild(): Promise<SoakRun> {
  let summary: string | undefined;
  let resultLine: string | undefined;
  let resultAt = 0;
  let killedAfterResult = false;
  let exitTimer: NodeJS.Timeout | undefined;
  const { child, exited } = runChild(script, {
    limitMs: CHILD_LIMIT_MS,
    onLine: (line) => {
      if (line.startsWith('soak-summary ')) summary = line.slice('soak-summary '.length);
      if (line.startsWith('soak-result ')) {
        resultLine = line.slice('soak-result '.length);
        resultAt = Date.now();
        // Finished: from now on only a handle left open could keep the process alive.
        exitTimer = setTimeout(() => {
          killedAfterResult = true;
          child.kill('SIGKILL');
        }, EXIT_DEADLINE_MS);
      }
    },
  });
  return exited.then((result) => {
    clearTimeout(exitTimer);
    return {
      child: result,
      summary,
      result: resultLine === undefined ? undefined : (JSON.parse(resultLine) as SoakResult),
      exitAfterResultMs: resultLine === undefined || killedAfterResult ? null : Date.now() - resultAt,
    };
  });
}

/** What to show when the child did not get to its result. */
function childDiagnosis(run: SoakRun): string {
  const { code, signal, stderr, lines } = run.child;
  return `the soak child ended with code ${code}, signal ${signal} (OVERLAPPED_SOAK_SEED=${SEED_HEX})\n--- last stdout ---\n${lines.slice(-15).join('\n')}\n--- stderr (end) ---\n${stderr.slice(-6000)}`;
}

describe(`soak: ${SESSIONS} sessions for ${SECONDS} s in a child process`, () => {
  let run: SoakRun;
  beforeAll(async () => {
    run = await runSoakChild();
    const exit = run.exitAfterResultMs === null ? 'did not exit by itself' : `exited ${run.exitAfterResultMs} ms after its result`;
    console.log(`${run.summary ?? `soak: no summary (exit code ${run.child.code}, signal ${run.child.signal})`}; the child ${exit}`);
  }, CHILD_LIMIT_MS + 10_000);

  it('verifies every echoed byte, sees every operation complete exactly once, and goes through every kind of ending', () => {
    const r = run.result;
    expect(r, childDiagnosis(run)).toBeDefined();
    const result = r as SoakResult;
    expect(result.failures, `${result.failureCount} failures (OVERLAPPED_SOAK_SEED=${SEED_HEX} replays the same streams)`).toEqual([]);
    for (const [kind, t] of Object.entries(result.tally)) {
      expect(t.completed, `${kind}: completions of the operations that started`).toBe(t.immediate + t.pending);
      expect(t.started, `${kind}: starts`).toBe(t.immediate + t.pending + t.failedStart);
    }
    const s = result.stats;
    // The run did what it is for (each of these is in the hundreds at least, even in the short form).
    const happened = {
      sessionsBeyondThePopulation: s.sessionsOpened! > SESSIONS,
      everySessionClosed: s.sessionsClosed === s.sessionsOpened,
      bytesVerified: s.bytesVerified! > 0,
      routineServers: s.routineModelSessions! > 0,
      eventServers: s.eventModelSessions! > 0,
      gracefulCloses: s.gracefulCloses! > 0,
      resets: s.resets! > 0,
      resetSeenByAPendingServerReceive: s.serverResetOnPendingRecv! > 0,
      closesocketWithAServerReceivePending: s.abortedServerRecv! > 0,
      closesocketWithAServerSendPending: s.abortedServerSend! > 0,
      severalWorkerTerminations: s.workerTerminations! >= 3,
      receivesAfterEachTermination: s.workerReceivesAfterTerminate === s.workerTerminations! * 3,
    };
    expect(happened, run.summary).toEqual(Object.fromEntries(Object.keys(happened).map((k) => [k, true])));
  });

  it('exits by itself with code 0 soon after finishing (nothing left keeps it alive)', () => {
    expect(run.result, childDiagnosis(run)).toBeDefined();
    expect(run.exitAfterResultMs, `the child was still alive ${EXIT_DEADLINE_MS} ms after printing its result`).not.toBeNull();
    expect({ code: run.child.code, signal: run.child.signal }, `stderr: ${run.child.stderr.slice(-4000)}`).toEqual({ code: 0, signal: null });
  });

  it('leaves no socket, event or operation record in the addon (getResourceCounts) and no socket descriptor', () => {
    const r = run.result;
    expect(r, childDiagnosis(run)).toBeDefined();
    const result = r as SoakResult;
    expect(result.resourceCountsAvailable, 'the package does not export getResourceCounts(): { sockets, events, operations }').toBe(true);
    expect(result.resourceCounts, 'getResourceCounts() after everything was closed and every completion was seen').toEqual({ sockets: 0, events: 0, operations: 0, ports: 0, packets: 0, portWaiters: 0 });
    expect(result.socketFds.end, 'socket descriptors held by the process: at the end vs before the soak').toBe(result.socketFds.start);
  });
});
