import type { Endpoint } from '@overlapped/core';

/**
 * What the sessions tell the outside world. Two observers exist: one prints the lecture's line per event,
 * the other (--quiet) only counts and prints a stats line a second; the sessions never know which.
 */
export interface ServerObserver {
  connected(remote: Endpoint | null): void;
  /** A raw message: one completed receive of `bytes` bytes. */
  received(bytes: number): void;
  /** One whole packet; `size` includes its header. */
  packet(id: number, size: number): void;
  disconnected(remote: Endpoint | null, reason: string, protocolError: boolean): void;
}

export function describeRemote(remote: Endpoint | null): string {
  return remote ? `${remote.host}:${remote.port}` : 'unknown peer';
}

export function disconnectLine(remote: Endpoint | null, reason: string, protocolError: boolean): string {
  const what = protocolError ? 'Protocol Error, Client Dropped' : 'Client Disconnected';
  return `${what} (${describeRemote(remote)}): ${reason}`;
}
