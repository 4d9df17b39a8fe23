// The conformance cases as vitest tests: one `it` per case, against the TypeScript face of the addon.
// The plain-Node runner (conformance/run-node.mjs) runs the same cases against the built dist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ws from '../lib/index.js';
import { allCases, detectBackend, knownDifference, loadKnownDifferences, runCase } from './conformance/runner.mjs';
import type { ConformanceCase } from './conformance/harness.mjs';

const backend = detectBackend();
const differences = loadKnownDifferences();

async function run(c: ConformanceCase): Promise<void> {
  const result = await runCase(ws, c);
  if (!result.ok) throw result.error;
}

beforeAll(() => {
  expect(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA())).toBe(0);
});

afterAll(() => {
  ws.WSACleanup();
});

describe(`winsock conformance on ${backend}`, () => {
  for (const c of allCases) {
    const difference = knownDifference(differences, c.id, backend);
    if (difference) {
      // Recorded in known-differences.json: the test passes only while the case still fails as recorded.
      it.fails(`${c.id}: ${c.title} [known difference: ${difference.reason}]`, () => run(c));
    } else {
      it(`${c.id}: ${c.title}`, () => run(c));
    }
  }
});
