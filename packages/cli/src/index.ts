export { UsageError, usageErrorLine } from './usage-error.js';
export { parseFlags, type FlagValues } from './parse-flags.js';
export { parseChoiceFlag, parseIntegerFlag, parseIpv4Flag, parseSecondsFlag } from './flag-parsers.js';
export { PROTOCOL_NAMES, type ProtocolName } from './flag-choices.js';
export { onStopSignal, untilStopSignal, type StopSignalName } from './stop-signal.js';
export {
  EXIT_FAILURE, EXIT_USAGE, runMain, type CommandLineProgram, type ParsedCommandLine,
} from './run-main.js';
