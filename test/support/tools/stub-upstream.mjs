// A stand-in for the app behind the proxy in probes: answers every path with 200 and a JSON echo of the
// request as the app would receive it, sets headers the proxy is expected to replace, and echoes
// X-Request-ID like the app does. Usage: node stub-upstream.mjs PORT (inside the probe's namespace).
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 8000);
createServer((req, res) => {
  const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, remote: req.socket.remoteAddress });
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  if (req.headers['x-request-id']) res.setHeader('X-Request-ID', req.headers['x-request-id']);
  res.end(req.url === '/large' ? body + ' '.repeat(4096) : body);
}).listen(port, '127.0.0.1', () => console.log(`stub upstream on 127.0.0.1:${port}`));
