// Reverse proxy components: a `proxy` service in front of `web`, plain HTTP in development, TLS in production.
import type { Component } from './types.js';
import { IMAGES } from './pins.js';

const healthy = { web: { condition: 'service_healthy' } };

/**
 * Host port a development service is published on (always on 127.0.0.1): the usual one, or the next one when
 * the app itself is published there (e.g. an app on 8080 moves the proxy to 8081).
 */
export function devHostPort(preferred: number, appPort: number): number {
  return preferred === appPort ? preferred + 1 : preferred;
}

const nginx: Component = {
  id: 'nginx',
  slot: 'proxy',
  label: 'nginx',
  contribute: ({ answers }) => ({
    services: {
      dev: {
        proxy: {
          image: IMAGES.nginx,
          volumes: ['./nginx/dev.conf:/etc/nginx/conf.d/default.conf:ro'],
          ports: [`127.0.0.1:${devHostPort(8080, answers.port)}:80`],
          depends_on: healthy,
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/nginx-health'], interval: '10s', timeout: '3s', retries: 3 },
        },
      },
      prod: {
        proxy: {
          image: IMAGES.nginx,
          // certs: fullchain.pem + privkey.pem (nginx/certs/README.md); acme: certbot's webroot for HTTP-01.
          volumes: ['./nginx/prod.conf:/etc/nginx/conf.d/default.conf:ro', './nginx/certs:/etc/nginx/certs:ro', './nginx/acme:/var/www/acme:ro'],
          ports: ['80:80', '443:443'],
          depends_on: healthy,
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/nginx-health'], interval: '15s', timeout: '3s', retries: 3 },
          read_only: true,
          tmpfs: ['/var/cache/nginx', '/var/run', '/tmp'],
          deploy: { resources: { limits: { cpus: '0.5', memory: '128M' } } },
        },
      },
    },
    files: [
      { from: 'nginx/dev.conf.ejs', to: 'nginx/dev.conf' },
      { from: 'nginx/prod.conf.ejs', to: 'nginx/prod.conf' },
      { from: 'nginx/certs/README.md', to: 'nginx/certs/README.md' },
      { from: 'nginx/acme/README.md', to: 'nginx/acme/README.md' },
    ],
  }),
};

const caddy: Component = {
  id: 'caddy',
  slot: 'proxy',
  label: 'Caddy (automatic HTTPS)',
  contribute: ({ answers }) => ({
    services: {
      dev: {
        proxy: {
          image: IMAGES.caddy,
          volumes: ['./caddy/Caddyfile.dev:/etc/caddy/Caddyfile:ro', 'caddy-data:/data', 'caddy-config:/config'],
          ports: [`127.0.0.1:${devHostPort(8080, answers.port)}:80`],
          depends_on: healthy,
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/caddy-health'], interval: '10s', timeout: '3s', retries: 3 },
        },
      },
      prod: {
        proxy: {
          image: IMAGES.caddy,
          environment: { DOMAIN: '${DOMAIN:?set DOMAIN in .env.prod}', ACME_EMAIL: '${ACME_EMAIL:?set ACME_EMAIL in .env.prod}' },
          volumes: ['./caddy/Caddyfile:/etc/caddy/Caddyfile:ro', 'caddy-data:/data', 'caddy-config:/config'],
          ports: ['80:80', '443:443', '443:443/udp'],
          depends_on: healthy,
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/caddy-health'], interval: '15s', timeout: '3s', retries: 3 },
          deploy: { resources: { limits: { cpus: '0.5', memory: '128M' } } },
        },
      },
    },
    volumes: { dev: ['caddy-data', 'caddy-config'], prod: ['caddy-data', 'caddy-config'] },
    env: [
      { name: 'DOMAIN', description: 'Public domain name Caddy serves and gets a certificate for', dev: 'localhost', prod: 'app.example.com', requiredInProd: true },
      { name: 'ACME_EMAIL', description: "E-mail Let's Encrypt uses for expiry notices", dev: 'admin@example.com', prod: 'ops@example.com', requiredInProd: true },
    ],
    files: [
      { from: 'caddy/Caddyfile.dev.ejs', to: 'caddy/Caddyfile.dev' },
      { from: 'caddy/Caddyfile.ejs', to: 'caddy/Caddyfile' },
    ],
  }),
};

export const PROXY_COMPONENTS: Component[] = [nginx, caddy];
