import type { IoOperation } from './io-operation.js';

/**
 * The operations a completion port owes a packet, each with whose it is (a number other than 0), as a list
 * threaded through the operations themselves: a busy server files and unfiles one per message, and this costs
 * a few field writes where a Map costs a hash insert and delete (and its rehashes).
 */
export class OwedOperations {
  private head: IoOperation | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(op: IoOperation, whose: number): void {
    op.owedBy = whose;
    op.owedPrev = null;
    op.owedNext = this.head;
    if (this.head !== null) this.head.owedPrev = op;
    this.head = op;
    this.count++;
  }

  /** Unfiles `op` and returns whose it was, or 0 if it was not owed. */
  take(op: IoOperation): number {
    const whose = op.owedBy;
    if (whose === 0) return 0;
    const { owedPrev: prev, owedNext: next } = op;
    if (prev !== null) prev.owedNext = next;
    else this.head = next;
    if (next !== null) next.owedPrev = prev;
    op.owedBy = 0;
    op.owedPrev = op.owedNext = null;
    this.count--;
    return whose;
  }

  /** Unfiles every operation; returns them with whose each was. */
  takeAll(): Array<[IoOperation, number]> {
    const all: Array<[IoOperation, number]> = [];
    while (this.head !== null) {
      const op = this.head;
      all.push([op, this.take(op)]);
    }
    return all;
  }
}
