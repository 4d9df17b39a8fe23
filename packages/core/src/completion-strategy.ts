import type { SOCKET } from '@overlapped/winsock-native';
import type { ConnectOptions } from './connector.js';
import type { Endpoint } from './endpoint.js';
import type { IoOperation } from './io-operation.js';
import type { ListenOptions, Listener, ListenerHandlers } from './listener.js';

/**
 * How completions are learned. Sessions and services only ever talk to this interface, so a new way of
 * learning completions plugs in without touching them. Accepting, connecting and disconnecting are part of it:
 * with a completion port they are overlapped operations too (AcceptEx, ConnectEx, DisconnectEx).
 */
export interface CompletionStrategy {
  readonly name: 'event' | 'callback' | 'iocp' | string;
  /**
   * Issue an overlapped receive/send for `op`. The strategy calls `op.complete(error, bytes)` exactly once
   * (error 0 = success, else a Winsock error number), on the JS main thread, from its own loop.
   */
  recv(socket: SOCKET, op: IoOperation): void;
  send(socket: SOCKET, op: IoOperation): void;
  /**
   * Ends the connection on `socket`: its pending operations complete (aborted), and `op.complete(error, 0)` is
   * called exactly once, from the strategy's loop, when the socket is closed or back in the strategy's hands
   * for reuse (error: why closing it failed, 0 if it did not).
   */
  disconnect(socket: SOCKET, op: IoOperation): void;
  /** Starts accepting on `endpoint`. */
  listen(endpoint: Endpoint, handlers: ListenerHandlers, options?: ListenOptions): Listener;
  /** Connects a new socket of this strategy to `endpoint`; rejects with a WinsockError. */
  connect(endpoint: Endpoint, options: ConnectOptions): Promise<SOCKET>;
  /** Operations issued and not yet completed. */
  pendingCount(): number;
  /** Resolves once every issued operation has completed; the strategy stays usable afterwards. */
  close(): Promise<void>;
  /** Where the strategy reports what goes wrong outside any one operation (the service sets it). */
  onError: ((error: Error) => void) | null;
}
