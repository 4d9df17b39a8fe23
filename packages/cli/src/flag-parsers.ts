import { UsageError } from './usage-error.js';

/** A year: longer than any run anyone means, short enough that the milliseconds fit a timer. */
const MAX_SECONDS = 31_536_000;

/** A whole number in min..max, written in plain digits (no sign, exponent or hex). */
export function parseIntegerFlag(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (/^\d+$/.test(text) && value >= min && value <= max) return value;
  throw new UsageError(`${flag} must be an integer in ${min}..${max}, got '${text}'.`);
}

/** Positive seconds (fractions allowed, up to a year), returned in milliseconds. */
export function parseSecondsFlag(flag: string, text: string): number {
  const value = Number(text);
  if (/^\d+(\.\d+)?$/.test(text) && value > 0 && value <= MAX_SECONDS) return Math.round(value * 1000);
  throw new UsageError(`${flag} must be a positive number of seconds, got '${text}'.`);
}

/** A dotted-quad IPv4 address, returned as written; host names are not looked up. */
export function parseIpv4Flag(flag: string, text: string): string {
  const parts = text.split('.');
  if (parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return text;
  throw new UsageError(`${flag} must be a dotted IPv4 address such as 127.0.0.1, got '${text}'.`);
}

/** One of `choices`, spelled exactly. */
export function parseChoiceFlag<Choice extends string>(flag: string, text: string, choices: readonly Choice[]): Choice {
  if ((choices as readonly string[]).includes(text)) return text as Choice;
  throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got '${text}'.`);
}
