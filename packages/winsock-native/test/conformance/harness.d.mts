// Types for harness.mjs, for the TypeScript tests that import it (the .mjs files carry the same as JSDoc).
import type assert from 'node:assert/strict';

export type WinsockApi = typeof import('../../lib/index.js');

export interface ConformanceCase {
  id: string;
  title: string;
  source?: string;
  run(ws: WinsockApi, h: Harness): Promise<void>;
}

export interface Harness {
  assert: typeof assert;
  timeoutMs: number;
  errName(code: number): string;
  loopback(port?: number): InstanceType<WinsockApi['SOCKADDR_IN']>;
  socket(): number;
  adopt(s: number): number;
  close(s: number): number;
  event(): number;
  closeEvent(e: number): boolean;
  portOf(s: number): number;
  listener(opts?: { backlog?: number; beforeListen?: (s: number) => void }): { socket: number; port: number };
  pair(opts?: { bufferSize?: number; beforeListen?: (s: number) => void; beforeConnect?: (s: number) => void }): { client: number; server: number; port: number };
  accept(listener: number, what?: string, addr?: InstanceType<WinsockApi['SOCKADDR_IN']> | null, addrlen?: InstanceType<WinsockApi['INT']> | null): number;
  abortiveClose(s: number): void;
  expectError(ret: unknown, failValue: unknown, code: number, what?: string): void;
  expectOk(ret: unknown, what?: string): void;
  expectPending(ret: number, what?: string): void;
  pendingRecv(
    s: number,
    buffers: Buffer | Buffer[],
    what?: string,
    opts?: {
      event?: number;
      ov?: InstanceType<WinsockApi['WSAOVERLAPPED']>;
      bytes?: InstanceType<WinsockApi['DWORD']>;
      flags?: InstanceType<WinsockApi['DWORD']>;
      routine?: Parameters<WinsockApi['WSARecv']>[6];
    },
  ): InstanceType<WinsockApi['WSAOVERLAPPED']>;
  eventSelect(s: number, mask: number, what?: string): number;
  enumNetworkEvents(s: number, ev: number, what?: string): InstanceType<WinsockApi['WSANETWORKEVENTS']>;
  waitNetworkEvents(s: number, ev: number, what?: string, ms?: number): Promise<InstanceType<WinsockApi['WSANETWORKEVENTS']>>;
  isSignalled(e: number): boolean;
  waitEvent(e: number, what?: string, ms?: number): Promise<void>;
  alertUntil(done: () => boolean, what?: string, ms?: number): Promise<void>;
  within<T>(promise: Promise<T>, ms: number, what?: string): Promise<T>;
  send(s: number, data: Buffer | string): void;
  recv(s: number, size?: number, what?: string): Promise<Buffer>;
  recvExactly(s: number, n: number, what?: string): Promise<Buffer>;
  deliver(from: number, to: number, data: Buffer | string): Promise<void>;
  port(threads?: number): number;
  adoptPort(p: number): number;
  closePort(p: number): boolean;
  associate(s: number, port: number, key: number | bigint, what?: string): number;
  dequeue(port: number, what?: string, ms?: number): Promise<{ ok: boolean; error: number; bytes: number; key: number | bigint; overlapped: object | null }>;
  expectPacket(
    port: number,
    expected: { ok?: boolean; error?: number; bytes?: number; key?: number | bigint; overlapped?: object | null },
    what?: string,
    ms?: number,
  ): Promise<{ ok: boolean; error: number; bytes: number; key: number | bigint; overlapped: object | null }>;
  expectNoPacket(port: number, what?: string): void;
  cleanup(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS: number;
export function createHarness(ws: WinsockApi, options?: { timeoutMs?: number }): Harness;
