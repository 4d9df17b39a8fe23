// The Winsock lifetime a vitest file shares with the conformance harness: WSAStartup before its tests,
// harness cleanup (sockets, events, queued routines) after each, WSACleanup after all.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import * as ws from '../../lib/index.js';
import { createHarness, type Harness } from '../conformance/harness.mjs';

/** Registers the hooks in the calling file and returns its harness (creating it makes no Winsock call). */
export function useWinsockHarness(): Harness {
  const h = createHarness(ws);
  beforeAll(() => {
    expect(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA())).toBe(0);
  });
  afterEach(async () => {
    await h.cleanup();
  });
  afterAll(() => {
    ws.WSACleanup();
  });
  return h;
}
