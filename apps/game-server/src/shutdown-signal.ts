/**
 * Resolves on the first SIGINT or SIGTERM (Ctrl-C, `kill`, turbo stopping `pnpm dev`). A second one means
 * the orderly stop is taking too long for the user: exit at once, with the conventional 128 + signal code.
 */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const s of signals) process.off(s, onSignal);
      for (const s of signals) process.once(s, () => process.exit(s === 'SIGINT' ? 130 : 143));
      resolve(signal);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
