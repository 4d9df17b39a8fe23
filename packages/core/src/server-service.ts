import { closesocket, type SOCKET } from '@overlapped/winsock-native';
import type { Endpoint } from './endpoint.js';
import type { Listener } from './listener.js';
import { Service } from './service.js';

/** Accepts connections on `endpoint` and opens a session for each, up to `maxSessions`. */
export class ServerService extends Service {
  private listener: Listener | null = null;
  private rejected = 0;

  /** Connections closed at once because `maxSessions` sessions were already open. */
  get rejectedCount(): number {
    return this.rejected;
  }

  /** Starts listening; resolves with the bound endpoint (port 0 becomes the real port). */
  async start(): Promise<Endpoint> {
    if (this.listener) throw new Error('ServerService.start: already started');
    this.acquireWinsock();
    try {
      this.listener = this.options.strategy.listen(this.options.endpoint, {
        onAccept: (socket, remote) => this.accepted(socket, remote),
        onError: (error) => this.report(error),
      }, { acceptCount: this.options.acceptCount });
    } catch (error) {
      this.releaseWinsock();
      throw error;
    }
    return this.listener.endpoint;
  }

  /** Closes the listener and every session, and waits until every operation has drained. */
  async stop(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    this.listener = null;
    await listener.close();
    await this.closeAll('local: service stopped');
    this.releaseWinsock();
  }

  private accepted(socket: SOCKET, remote: Endpoint): void {
    if (this.sessionCount >= (this.options.maxSessions ?? Infinity)) {
      this.rejected++;
      closesocket(socket);
      return;
    }
    this.openSession(socket, remote);
  }
}
