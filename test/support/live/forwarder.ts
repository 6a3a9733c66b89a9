// A tiny TCP forwarder in front of a real server, so a test can make that server unreachable for one app
// without touching the server itself:
//   pause('refuse')    stop listening and cut every open connection (like a stopped container: new
//                      connections fail at once, pooled ones break)
//   pause('blackhole') keep accepting but forward nothing and cut open connections (like a network partition:
//                      clients hang until their own timeouts)
//   resume()           forward again.
// It listens on a TCP port of 127.0.0.1 or on a Unix socket (the live sandbox reaches it from inside its network
// namespace through a Unix socket: see sandbox.ts).
import { existsSync, unlinkSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';

export type ListenOn = { port: number; host?: string } | { path: string };
export type PauseMode = 'refuse' | 'blackhole';

/** Closes a connection at once: a TCP reset where the socket is TCP (Unix sockets cannot be reset). */
export function cut(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export class Forwarder {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | PauseMode = 'forward';
  /** Connections accepted since start (for tests). */
  accepted = 0;
  /** Where it listens: the port actually bound (TCP) or the socket path. */
  address = '';

  constructor(
    readonly name: string,
    private readonly listenOn: ListenOn,
    readonly target: { host: string; port: number },
  ) {}

  get state(): 'forward' | PauseMode {
    return this.mode;
  }

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  private listen(): Promise<void> {
    const server = createServer((client) => this.onConnection(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      if ('path' in this.listenOn) {
        if (existsSync(this.listenOn.path)) unlinkSync(this.listenOn.path);
        server.listen(this.listenOn.path, () => {
          this.address = (this.listenOn as { path: string }).path;
          resolve();
        });
      } else {
        // After a pause the same port is bound again, so the app's configuration stays valid.
        const port = this.address ? Number(this.address.split(':').pop()) : this.listenOn.port;
        const host = this.listenOn.host ?? '127.0.0.1';
        server.listen({ port, host, exclusive: true }, () => {
          const a = server.address();
          this.address = `${host}:${typeof a === 'object' && a ? a.port : port}`;
          resolve();
        });
      }
    });
  }

  /** The TCP port it listens on (TCP mode only). */
  get port(): number {
    return Number(this.address.split(':').pop());
  }

  private track(s: Socket) {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  private onConnection(client: Socket) {
    this.accepted++;
    this.track(client);
    client.on('error', () => {});
    if (this.mode === 'blackhole') return; // held open, never answered
    if (this.mode === 'refuse') {
      cut(client);
      return;
    }
    client.pause();
    const upstream = connect(this.target.port, this.target.host);
    this.track(upstream);
    upstream.on('error', () => cut(client));
    upstream.once('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  private cutAll() {
    for (const s of this.sockets) cut(s);
    this.sockets.clear();
  }

  async pause(mode: PauseMode = 'refuse'): Promise<void> {
    this.mode = mode;
    const closing = mode === 'refuse' ? this.closeServer() : Promise.resolve();
    this.cutAll(); // server.close() waits for open connections: cut them first
    await closing;
  }

  async resume(): Promise<void> {
    if (this.mode === 'forward') return;
    const wasClosed = this.server === undefined;
    this.mode = 'forward';
    this.cutAll(); // blackholed connections are dropped; clients reconnect
    if (wasClosed) await this.listen();
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      if ('path' in this.listenOn && existsSync(this.listenOn.path)) {
        try {
          unlinkSync(this.listenOn.path);
        } catch {
          /* already gone */
        }
      }
    });
  }

  async close(): Promise<void> {
    this.mode = 'refuse';
    const closing = this.closeServer();
    this.cutAll();
    await closing;
  }
}
