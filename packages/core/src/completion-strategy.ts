import type { SOCKET } from '@overlapped/winsock-native';
import type { IoOperation } from './io-operation.js';

/**
 * How completions are learned. Sessions and services only ever talk to this interface, so a new way of
 * learning completions (an IocpStrategy over completion ports) plugs in without touching them.
 */
export interface CompletionStrategy {
  readonly name: 'event' | 'callback' | string;
  /**
   * Issue an overlapped receive/send for `op`. The strategy calls `op.complete(error, bytes)` exactly once
   * (error 0 = success, else a Winsock error number), on the JS main thread, from its own loop.
   */
  recv(socket: SOCKET, op: IoOperation): void;
  send(socket: SOCKET, op: IoOperation): void;
  /** Operations issued and not yet completed. */
  pendingCount(): number;
  /** Resolves once every issued operation has completed; the strategy stays usable afterwards. */
  close(): Promise<void>;
}
