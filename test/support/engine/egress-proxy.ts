// The only way out of the engine's network namespace: an HTTP proxy on this machine that lets an image build
// reach the package registries its Dockerfile uses (Debian's archive for apt, PyPI for uv and pip) and nothing
// else. Builds get it through the standard proxy build arguments (HTTP_PROXY/HTTPS_PROXY, which Docker passes
// to RUN without an ARG and keeps out of the image's history). HTTPS goes through CONNECT, so the TLS session is
// end to end and the registries' certificates are checked by the tools in the build as usual.
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { connect, type Socket } from 'node:net';

/** Hosts a build may reach (exact names). */
export const REGISTRY_HOSTS = ['deb.debian.org', 'security.debian.org', 'pypi.org', 'files.pythonhosted.org'];

export class EgressProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  /** Every host:port asked for, allowed or not (a test reads what a build reached). */
  readonly asked: Array<{ target: string; allowed: boolean }> = [];

  constructor(private readonly allow: readonly string[] = REGISTRY_HOSTS) {}

  private allowed(host: string): boolean {
    return this.allow.includes(host.toLowerCase());
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.forward(req, res));
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => this.tunnel(req, client, head));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('egress proxy: no TCP address');
    this.port = address.port;
    return this;
  }

  /** Plain HTTP (apt): the request line carries the absolute URL. */
  private forward(req: IncomingMessage, res: ServerResponse) {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL expected\n');
      return;
    }
    const ok = url.protocol === 'http:' && this.allowed(url.hostname);
    this.asked.push({ target: `${url.hostname}:${url.port || 80}`, allowed: ok });
    if (!ok) {
      res.writeHead(403).end(`not a registry: ${url.hostname}\n`);
      return;
    }
    const upstream = httpRequest(
      { host: url.hostname, port: url.port || 80, path: `${url.pathname}${url.search}`, method: req.method, headers: { ...req.headers, host: url.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502).end(`${err.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  }

  /** HTTPS (PyPI): a TCP tunnel to port 443 of an allowed host. */
  private tunnel(req: IncomingMessage, client: Socket, head: Buffer) {
    const [host = '', portText = '443'] = (req.url ?? '').split(':');
    const ok = portText === '443' && this.allowed(host);
    this.asked.push({ target: `${host}:${portText}`, allowed: ok });
    if (!ok) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(443, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      close();
    });
    client.on('error', close);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
