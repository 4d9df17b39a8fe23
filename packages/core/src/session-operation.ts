import { IoOperation } from './io-operation.js';

/** A session's receive or send operation: forwards its completion to the handler bound once at creation. */
export class SessionOperation extends IoOperation {
  constructor(private readonly onComplete: (error: number, bytes: number) => void) {
    super();
  }

  complete(error: number, bytes: number): void {
    this.onComplete(error, bytes);
  }
}
