// Runs inside a live sandbox (sandbox.ts): its own network namespace, where the app, the proxy and Prometheus
// listen on their compose ports and reach each other by compose service names (a hosts file maps them to
// 127.0.0.1). This agent joins that world to the test process outside, through Unix sockets (which cross
// network namespaces because they live in the file system):
//   inbound  a Unix socket per port (e.g. in-8000.sock -> 127.0.0.1:8000): the test process reaches the app,
//            the proxy and Prometheus inside;
//   outbound a TCP port per dependency (e.g. 127.0.0.1:5432 -> out-db.sock): the app reaches the real
//            servers on the host through the test's pausable forwarders (forwarder.ts); while a forwarder is
//            paused (its socket removed) the port is closed, so connections are refused;
//   otlp     optionally, a stand-in OpenTelemetry collector (OTLP/HTTP) that accepts every export and logs
//            one JSON line per request.
// Usage: node agent.mjs CONFIG.json. Prints "ready" once everything listens; exits when stdin closes (the test
// process ended), which ends the namespace and every process in it.
import { appendFileSync, existsSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

/** Closes a connection at once: a TCP reset where the socket is TCP (Unix sockets cannot be reset). */
function cut(socket) {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

function pipeBoth(client, upstream) {
  client.pause();
  client.on('error', () => {});
  upstream.on('error', () => cut(client));
  upstream.once('connect', () => {
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  client.once('close', () => upstream.destroy());
  upstream.once('close', () => client.destroy());
}

const listening = [];
const listen = (server, ...args) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(...args, resolve);
  });

for (const { path, port } of config.inbound ?? []) {
  if (existsSync(path)) unlinkSync(path);
  const server = createServer((client) => pipeBoth(client, connect(port, '127.0.0.1')));
  listening.push(listen(server, path));
}

// An outbound port listens only while the forwarder's socket exists: when the test pauses a dependency (the
// forwarder removes its socket), new connections to it are refused, as they are to a stopped container.
for (const { port, path } of config.outbound ?? []) {
  let server;
  let busy = false;
  const sync = async () => {
    if (busy) return;
    busy = true;
    try {
      if (existsSync(path) && !server) {
        server = createServer((client) => pipeBoth(client, connect(path)));
        await listen(server, { port, host: '0.0.0.0' });
      } else if (!existsSync(path) && server) {
        server.close();
        server = undefined;
      }
    } finally {
      busy = false;
    }
  };
  listening.push(sync());
  setInterval(() => sync().catch((err) => process.stderr.write(`agent: port ${port}: ${err.message}\n`)), 50).unref();
}

if (config.otlp) {
  const { port, log } = config.otlp;
  const server = createHttpServer((req, res) => {
    let bytes = 0;
    req.on('data', (d) => (bytes += d.length));
    req.on('end', () => {
      appendFileSync(log, `${JSON.stringify({ method: req.method, path: req.url, bytes, contentType: req.headers['content-type'] ?? '' })}\n`);
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '0' });
      res.end();
    });
  });
  listening.push(listen(server, { port, host: '0.0.0.0' }));
}

Promise.all(listening).then(
  () => process.stdout.write('ready\n'),
  (err) => {
    process.stderr.write(`agent: ${err.message}\n`);
    process.exit(1);
  },
);

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
