import { constants } from 'node:os';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignalName = (typeof STOP_SIGNALS)[number];

/**
 * Aborts on the first SIGINT or SIGTERM (Ctrl-C, `kill`, turbo stopping `pnpm dev`), with the signal's name
 * as the abort reason: the program then stops in order. A second one means that is taking too long for the
 * user: exit at once, with the conventional 128 + signal code (130, 143).
 */
export function onStopSignal(): AbortSignal {
  const controller = new AbortController();
  const onFirst = (signal: StopSignalName): void => {
    for (const s of STOP_SIGNALS) process.off(s, onFirst);
    for (const s of STOP_SIGNALS) process.once(s, () => process.exit(128 + constants.signals[s]));
    controller.abort(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, onFirst);
  return controller.signal;
}

/** Resolves with the name of the signal that aborted `stop` (from onStopSignal), at once if it already has. */
export function untilStopSignal(stop: AbortSignal): Promise<StopSignalName> {
  return new Promise((resolve) => {
    const resolveWithReason = (): void => resolve(stop.reason as StopSignalName);
    if (stop.aborted) resolveWithReason();
    else stop.addEventListener('abort', resolveWithReason, { once: true });
  });
}
