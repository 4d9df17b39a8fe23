import { ClientService, ServerService, Session, createStrategy, type DisconnectReason, type Endpoint } from '@overlapped/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatMessage, EchoMessage, PacketHandlerTable, PacketId, PacketSession, encodePacket } from '../src/index.js';

const WELL_BEHAVED_CLIENTS = 50;
const PACKETS_PER_CLIENT = 200;
const LOOPBACK: Endpoint = { host: '127.0.0.1', port: 0 };

/** The server: echoes Echo packets, accepts Chat, and counts every peer it drops for breaking the protocol. */
class EchoServerSession extends PacketSession {
  static readonly handlers = new PacketHandlerTable<EchoServerSession>()
    .on(EchoMessage, (session, bytes) => session.sendPacket(PacketId.Echo, bytes))
    .on(ChatMessage, () => {});

  constructor(private readonly protocolErrors: DisconnectReason[]) {
    super();
  }

  protected override onRecvPacket(id: number, body: Buffer): void {
    EchoServerSession.handlers.dispatch(this, id, body);
  }

  protected override onProtocolError(reason: DisconnectReason): void {
    this.protocolErrors.push(reason);
  }
}

/** Body `seq` of client `client`: 4..3003 bytes, starting with both numbers so a mix-up names itself. */
function echoBody(client: number, seq: number): Buffer {
  const body = Buffer.alloc(4 + ((client * 131 + seq * 977) % 3000), (client * 7 + seq) & 0xff);
  body.writeUInt16LE(client, 0);
  body.writeUInt16LE(seq, 2);
  return body;
}

/** Sends its whole Echo stream at once, then checks every echo arrives whole, unchanged and in order. */
class EchoStreamClient extends PacketSession {
  private static nextClient = 0;
  private readonly client = EchoStreamClient.nextClient++;
  private echoesReceived = 0;
  private settle!: { resolve(): void; reject(error: Error): void };
  readonly streamEchoed = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor() {
    super();
    // The test awaits streamEchoed; if it fails before that (say, on connect), stop() still rejects it.
    this.streamEchoed.catch(() => {});
  }

  protected override onConnected(): void {
    for (let seq = 0; seq < PACKETS_PER_CLIENT; seq++) this.sendPacket(PacketId.Echo, echoBody(this.client, seq));
  }

  protected override onRecvPacket(id: number, body: Buffer): void {
    const expected = echoBody(this.client, this.echoesReceived);
    if (id !== PacketId.Echo || !body.equals(expected)) {
      this.settle.reject(new Error(`client ${this.client}: echo ${this.echoesReceived} came back as packet ${id}, ${body.length} bytes`));
      this.disconnect('local: echo stream corrupted');
      return;
    }
    if (++this.echoesReceived === PACKETS_PER_CLIENT) this.settle.resolve();
  }

  protected override onDisconnected(reason: DisconnectReason): void {
    this.settle.reject(new Error(`client ${this.client}: disconnected after ${this.echoesReceived} echoes: ${reason}`));
  }
}

/** Byte streams that break the protocol, each after a valid Echo, and the reason the server must give. */
const MALFORMED_STREAMS: Array<{ bytes: Buffer; reason: string }> = [
  { bytes: Buffer.from([2, 0, 2, 0]), reason: 'packet 2 declares size 2, smaller than its 4-byte header' },
  { bytes: Buffer.from([0x01, 0x10, 2, 0]), reason: 'packet 2 declares size 4097, over the 4096-byte maximum' },
  { bytes: encodePacket(777, Buffer.from('?')), reason: 'unknown packet id 777 (known: 2, 3)' },
  { bytes: encodePacket(PacketId.Chat, Buffer.from([0xc3, 0x28])), reason: 'Chat text is not valid UTF-8' },
].map(({ bytes, reason }) => ({
  bytes: Buffer.concat([encodePacket(PacketId.Echo, Buffer.from('valid first')), bytes]),
  reason: `local: protocol error: ${reason}`,
}));

/** A raw byte client (not a PacketSession): sends one malformed stream and ignores what comes back. */
class MalformedClient extends Session {
  constructor(private readonly bytes: Buffer) {
    super();
  }

  protected override onConnected(): void {
    this.send(this.bytes);
  }
}

describe.each(['event', 'callback'] as const)('PacketSession over loopback (%s strategy)', (strategyName) => {
  const services: Array<ServerService | ClientService> = [];
  const serviceErrors: Error[] = [];

  /** Every service reports into serviceErrors and is stopped after the test, clients before the server. */
  function track<T extends ServerService | ClientService>(service: T): T {
    service.on('error', (error: Error) => serviceErrors.push(error));
    services.unshift(service);
    return service;
  }

  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    serviceErrors.length = 0;
  });

  it(`drops clients sending malformed packets while ${WELL_BEHAVED_CLIENTS} echo streams stay intact`, async () => {
    const protocolErrors: DisconnectReason[] = [];
    const server = track(
      new ServerService({
        endpoint: LOOPBACK,
        strategy: createStrategy(strategyName),
        sessionFactory: () => new EchoServerSession(protocolErrors),
      }),
    );
    const endpoint = await server.start();

    const goodClients = track(
      new ClientService({
        endpoint,
        strategy: createStrategy(strategyName),
        count: WELL_BEHAVED_CLIENTS,
        sessionFactory: () => new EchoStreamClient(),
      }),
    );
    const echoStreams = (await goodClients.start()) as EchoStreamClient[];

    // Connected while the echo streams are still flowing.
    const malformed = MALFORMED_STREAMS.values();
    const badClients = track(
      new ClientService({
        endpoint,
        strategy: createStrategy(strategyName),
        count: MALFORMED_STREAMS.length,
        sessionFactory: () => new MalformedClient(malformed.next().value!.bytes),
      }),
    );
    const dropped = (await badClients.start()).map((session) => session.closed);

    await Promise.all(echoStreams.map((client) => client.streamEchoed));
    const dropReasons = await Promise.all(dropped);

    expect(protocolErrors.sort()).toEqual(MALFORMED_STREAMS.map(({ reason }) => reason).sort());
    // What a dropped client sees depends on whether unread data turned the server's close into a reset.
    for (const reason of dropReasons) expect(reason).toMatch(/^(closed by peer|connection reset by peer)/);
    expect(echoStreams.every((client) => client.connected)).toBe(true);
    expect(serviceErrors).toEqual([]);
  });
});
