// Caddy in front of `web`: plain HTTP in development, automatic HTTPS in production.
import { acmeEnv } from '../shared/acme-env.js';
import type { Component } from '../types.js';
import { IMAGES } from '../pins.js';
import { devHostPort } from '../shared/dev-port.js';

const healthy = { web: { condition: 'service_healthy' } };

export const component: Component = {
  id: 'caddy',
  order: 2,
  slot: 'proxy',
  images: [IMAGES.caddy],
  capabilities: ['proxy'],
  label: 'Caddy (automatic HTTPS)',
  contribute: ({ answers }) => ({
    docs: {
      name: 'Caddy',
      parts: [{ part: 'Reverse proxy', choice: "Caddy (automatic HTTPS with Let's Encrypt in production)" }],
      capabilities:
        "the image's `caddy` binary carries the file capability to bind ports below 1024, and the kernel will not start it\nunless that capability (`NET_BIND_SERVICE`) is in its bounding set",
      urls: [{ what: 'App through Caddy', url: `http://127.0.0.1:${devHostPort(8080, answers.port)}` }],
      deploySteps: [
        'Set `DOMAIN` (a DNS name pointing at the server) and `ACME_EMAIL` in `.env.prod`; open ports 80 and 443.\n   Caddy gets and renews the certificate itself and keeps it in the `caddy-data` volume.',
      ],
      layout: [{ path: 'caddy/', about: 'proxy configs (Caddyfile.dev, Caddyfile)' }],
    },
    services: {
      dev: {
        proxy: {
          image: IMAGES.caddy.ref,
          volumes: ['./caddy/Caddyfile.dev:/etc/caddy/Caddyfile:ro', 'caddy-data:/data', 'caddy-config:/config'],
          ports: [`127.0.0.1:${devHostPort(8080, answers.port)}:80`],
          depends_on: healthy,
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/caddy-health'], interval: '10s', timeout: '3s', retries: 3 },
        },
      },
      prod: {
        proxy: {
          image: IMAGES.caddy.ref,
          networks: ['frontend'],
          environment: { DOMAIN: '${DOMAIN:?set DOMAIN in .env.prod}', ACME_EMAIL: '${ACME_EMAIL:?set ACME_EMAIL in .env.prod}' },
          volumes: ['./caddy/Caddyfile:/etc/caddy/Caddyfile:ro', 'caddy-data:/data', 'caddy-config:/config'],
          ports: ['80:80', '443:443', '443:443/udp'],
          depends_on: healthy,
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/caddy-health'], interval: '15s', timeout: '3s', retries: 3 },
          // The image's caddy binary carries the file capability NET_BIND_SERVICE: the kernel refuses to run it
          // unless that capability is in the bounding set. It needs nothing else (tier 3 shows both).
          cap_drop: ['ALL'],
          cap_add: ['NET_BIND_SERVICE'],
          deploy: { resources: { limits: { cpus: '0.5', memory: '128M' } } },
        },
      },
    },
    volumes: { dev: ['caddy-data', 'caddy-config'], prod: ['caddy-data', 'caddy-config'] },
    env: acmeEnv('Caddy'),
    files: [
      { from: 'Caddyfile.dev.ejs', to: 'caddy/Caddyfile.dev' },
      { from: 'Caddyfile.ejs', to: 'caddy/Caddyfile' },
    ],
  }),
};
