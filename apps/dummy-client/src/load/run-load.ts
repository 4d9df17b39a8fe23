import { ClientService, createStrategy } from '@overlapped/core';
import { WinsockError } from '@overlapped/winsock-native';
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { ClientOptions } from '../cli-args.js';
import { ConnectFailure } from '../connect-failure.js';
import type { Output } from '../output.js';
import { lecturePayload, stampedPayload } from '../payload.js';
import { SendPlan } from '../send-plan.js';
import { PacketLoadSession, RawLoadSession, type LoadSession } from './load-sessions.js';
import { LoadTraffic } from './load-traffic.js';

const STATS_INTERVAL_MS = 1000;
const PROGRESS_INTERVAL_MS = 100;

/**
 * --clients N (or --quiet, --protocol packet, --expect-echo): N sessions on @overlapped/core's ClientService,
 * each sending a stamped message every --interval until --duration / --count / Ctrl-C; then every send is
 * flushed and, with --expect-echo, outstanding echoes are awaited for --echo-timeout. Returns the exit code.
 */
export async function runLoad(options: ClientOptions, output: Output, stop: AbortSignal): Promise<number> {
  const traffic = new LoadTraffic(output, !options.quiet, options.expectEcho);
  const sessions: LoadSession[] = [];
  const newSession = (): RawLoadSession | PacketLoadSession => {
    const session =
      options.protocol === 'packet' ? new PacketLoadSession(traffic) : new RawLoadSession(traffic, options.size);
    sessions.push(session);
    return session;
  };
  const service = new ClientService({
    endpoint: { host: options.host, port: options.port },
    strategy: createStrategy(options.strategy),
    sessionFactory: newSession,
    count: options.clients ?? 1,
    connectTimeoutMs: options.connectTimeoutMs,
    retry: true,
  });
  service.on('error', (error: Error) => output.line(`dummy-client: ${error.message}`));

  try {
    await service.start();
  } catch (error) {
    if (!(error instanceof WinsockError)) throw error;
    throw new ConnectFailure(options.host, options.port, options.connectTimeoutMs, error.errno);
  }

  const plan = new SendPlan(options.limit);
  const progress = setInterval(() => output.progress(plan.progress() ?? 0, plan.progressLabel()), PROGRESS_INTERVAL_MS);
  const stats = options.quiet ? setInterval(() => output.line(traffic.statsLine()), STATS_INTERVAL_MS) : undefined;
  await sendUntilDone(sessions, options, plan, traffic, stop);
  const settled = await traffic.settled(options.echoTimeoutMs);
  clearInterval(progress);
  clearInterval(stats);
  output.endProgress();
  traffic.finish();
  await service.stop();

  output.line(traffic.summaryLine());
  if (traffic.lostSessions > 0) {
    output.line(`dummy-client: the server closed ${traffic.lostSessions} session(s) during the run`);
  } else if (!settled) {
    output.line(`dummy-client: messages still unanswered after --echo-timeout ${options.echoTimeoutMs / 1000} s`);
  }
  return traffic.lostSessions === 0 && settled ? 0 : 1;
}

/**
 * One message per live session per tick. Ticks are due at start + k * interval, not "interval after the last
 * one", so timer lateness does not add up over a run; a late tick is sent at once.
 */
async function sendUntilDone(
  sessions: LoadSession[],
  options: ClientOptions,
  plan: SendPlan,
  traffic: LoadTraffic,
  stop: AbortSignal,
): Promise<void> {
  const template = lecturePayload(options.message, options.size);
  const startedAt = performance.now();
  for (let tick = 0; !stop.aborted && plan.allows(tick); tick++) {
    const live = sessions.filter((session) => session.connected);
    if (live.length === 0) return;
    for (const session of live) traffic.messageQueued(session.sendMessage(stampedPayload(template)));
    const wait = startedAt + (tick + 1) * options.intervalMs - performance.now();
    // Ctrl-C ends the wait early (the rejection is the abort itself; the loop condition then sees it).
    // Even a late tick yields once: completions (and so the send queues) only move while the loop runs.
    if (wait > 0) await delay(wait, undefined, { signal: stop }).catch(() => {});
    else await new Promise(setImmediate);
  }
}
