import type { StrategyName } from '@overlapped/core';
import type { Endpoint } from '@overlapped/core';
import { describeRemote, disconnectLine, type ServerObserver } from './server-observer.js';

/** Prints the lecture's lines: one per connection, per message and per disconnect. */
export class VerboseLog implements ServerObserver {
  /**
   * The lecture's event model prints "Data Recv Len = N", its callback model "Data Recv Len Callback = N"; on a
   * completion port it is "Data Recv Len IOCP = N".
   */
  private readonly recvLabel: string;

  constructor(strategy: StrategyName) {
    this.recvLabel = { event: 'Recv Len', callback: 'Recv Len Callback', iocp: 'Recv Len IOCP' }[strategy];
  }

  connected(remote: Endpoint | null): void {
    console.log(`Client Connected (${describeRemote(remote)})`);
  }

  received(bytes: number): void {
    console.log(`Data ${this.recvLabel} = ${bytes}`);
  }

  packet(id: number, size: number): void {
    console.log(`Packet ${this.recvLabel} = ${size} (id ${id})`);
  }

  disconnected(remote: Endpoint | null, reason: string, protocolError: boolean): void {
    console.log(disconnectLine(remote, reason, protocolError));
  }
}
