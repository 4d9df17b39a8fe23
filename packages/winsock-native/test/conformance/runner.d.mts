// Types for runner.mjs, for conformance.test.ts.
import type { ConformanceCase, WinsockApi } from './harness.mjs';

export interface KnownDifference { id: string; backend: string; reason: string }
export type Verdict = 'pass' | 'fail' | 'xfail' | 'xpass';

export const allCases: ConformanceCase[];
export const CASE_TIMEOUT_MS: number;
export const BACKENDS: string[];
export function detectBackend(env?: NodeJS.ProcessEnv): string;
export function loadKnownDifferences(file?: URL | string): KnownDifference[];
export function knownDifference(diffs: KnownDifference[], id: string, backend: string): KnownDifference | undefined;
export function runCase(ws: WinsockApi, c: ConformanceCase, timeoutMs?: number): Promise<{ ok: boolean; error?: unknown; ms: number }>;
export function verdict(ok: boolean, difference: KnownDifference | undefined): Verdict;
export function countsAsPassed(v: string): boolean;
export function describeFailure(error: unknown): string;
