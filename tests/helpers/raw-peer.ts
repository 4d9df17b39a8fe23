import { connect, type Socket } from 'node:net';

const openedThisTest: RawPeer[] = [];

/** A RawPeer to `port` that destroyPeers() ends (the suites call it from afterEach). */
export async function openPeer(port: number): Promise<RawPeer> {
  const peer = await RawPeer.open(port);
  openedThisTest.push(peer);
  return peer;
}

export function destroyPeers(): void {
  for (const peer of openedThisTest.splice(0)) peer.destroy();
}

/**
 * A hand-driven TCP peer (Node's own net module) for what the dummy-client never does on purpose:
 * send malformed packets, or read another client's broadcasts.
 */
export class RawPeer {
  readonly closed: Promise<void>;
  private received = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
      for (const wake of this.waiters) wake();
    });
    // A reset from the server is a close too, as far as these tests are concerned.
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static open(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves once at least `length` bytes have arrived, with all of them. */
  receive(length: number): Promise<Buffer> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.received.length < length) return;
        this.waiters.delete(check);
        resolve(this.received);
      };
      this.waiters.add(check);
      check();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Closes with a reset (RST) instead of a FIN: to the server, a client that vanished mid-stream. */
  reset(): void {
    this.socket.resetAndDestroy();
  }
}

/** [size u16 LE incl. header][id u16 LE][body]: `size` can be given to make a lying header. */
export function packet(id: number, body: Buffer, size = 4 + body.length): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(size, 0);
  header.writeUInt16LE(id, 2);
  return Buffer.concat([header, body]);
}
