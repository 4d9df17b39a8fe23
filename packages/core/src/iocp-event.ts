import { IoOperation } from './io-operation.js';

/** What an IocpEvent is for (the lessons' EventType). */
export type EventType = 'Connect' | 'Disconnect' | 'Accept' | 'Recv' | 'Send';

/** Whoever handles the completions of its IocpEvents (the lessons' IocpObject: a Listener, a connector). */
export interface IocpObject {
  dispatch(event: IocpEvent, error: number, bytes: number): void;
}

/**
 * The lessons' IocpEvent: an overlapped that knows what it is for and who handles its completion. It is an
 * IoOperation, so a completion port hands back this very object and IocpCore completes it like any other.
 */
export class IocpEvent extends IoOperation {
  constructor(
    readonly eventType: EventType,
    public owner: IocpObject | null = null,
  ) {
    super();
  }

  complete(error: number, bytes: number): void {
    this.owner?.dispatch(this, error, bytes);
  }
}
