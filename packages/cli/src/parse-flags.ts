import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type FlagDefinitions = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs returns for `flags`, read strictly and without positionals. */
export type FlagValues<Flags extends FlagDefinitions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: Flags; strict: true; allowPositionals: false }>
>['values'];

/**
 * Node's parseArgs, strict and without positionals: the values of `flags` as typed by their definitions. A
 * flag it does not know, or one missing its value, is a UsageError with Node's own wording, which names the
 * flag ("Unknown option '--x'.", "Option '--port <value>' argument missing.").
 */
export function parseFlags<Flags extends FlagDefinitions>(argv: string[], flags: Flags): FlagValues<Flags> {
  try {
    return parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}.`);
  }
}
