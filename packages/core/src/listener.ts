import type { SOCKET } from '@overlapped/winsock-native';
import type { Endpoint } from './endpoint.js';

export interface ListenerHandlers {
  /** A connected socket of the listener's strategy (detached from any event selection). */
  onAccept(socket: SOCKET, remote: Endpoint): void;
  onError(error: Error): void;
}

/** Accepts connections for a ServerService; each strategy brings its own (CompletionStrategy.listen). */
export interface Listener {
  /** The bound address (port 0 becomes the real port). */
  readonly endpoint: Endpoint;
  /** Stops accepting; resolves once nothing of the listener is pending any more. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** IOCP: how many AcceptEx calls are kept posted (the lessons' max session count). */
  acceptCount?: number;
}
