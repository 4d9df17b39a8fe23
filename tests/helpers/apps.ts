import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Program } from './program.js';

const SERVER = fileURLToPath(new URL('../../apps/game-server/dist/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('../../apps/dummy-client/dist/main.js', import.meta.url));

/** The tests run the built programs, as a user would; say how to build them if they are missing. */
export function assertBuilt(): void {
  for (const script of [SERVER, CLIENT]) {
    if (!existsSync(script)) {
      throw new Error(`${script} is missing: run \`pnpm build\` (or \`pnpm test\`, which builds first)`);
    }
  }
}

export interface StartedServer {
  program: Program;
  port: number;
}

/** Starts the game-server (on --port 0 unless `args` says otherwise) and reads its bound port. */
export async function startServer(args: string[]): Promise<StartedServer> {
  const portArgs = args.includes('--port') ? [] : ['--port', '0'];
  const program = new Program('game-server', SERVER, [...portArgs, ...args]);
  const [, port] = await program.waitForLine(/^Listening on [\d.]+:(\d+)/);
  return { program, port: Number(port) };
}

/**
 * The dummy-client's `--strategy` for a run against a server on `strategy`: its lecture program (no --clients) has
 * the event and callback models only, so an iocp server is driven by the event model's client.
 */
export function lectureClientStrategy(strategy: 'event' | 'callback' | 'iocp'): 'event' | 'callback' {
  return strategy === 'iocp' ? 'event' : strategy;
}

export function startClient(port: number, args: string[]): Program {
  return new Program('dummy-client', CLIENT, ['--port', String(port), ...args]);
}

/** `Summary: sent=N echoed=N lost=N bytes=N` (echoed and lost only on the ClientService path). */
export function summaryOf(client: Program): Record<string, number> {
  const line = client.lines.find((l) => l.startsWith('Summary:'));
  if (!line) throw new Error(`dummy-client printed no Summary line:\n${client.lines.slice(-20).join('\n')}`);
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key!, Number(value)]));
}
