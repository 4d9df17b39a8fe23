/**
 * Aborts on the first SIGINT or SIGTERM (Ctrl-C, `kill`, turbo stopping `pnpm dev`): the client then stops
 * sending, flushes, prints its summary and exits 0. A second one means that is taking too long for the
 * user: exit at once, with the conventional 128 + signal code.
 */
export function stopOnSignal(): AbortSignal {
  const controller = new AbortController();
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const onSignal = (): void => {
    for (const s of signals) process.off(s, onSignal);
    for (const s of signals) process.once(s, () => process.exit(s === 'SIGINT' ? 130 : 143));
    controller.abort();
  };
  for (const s of signals) process.on(s, onSignal);
  return controller.signal;
}
