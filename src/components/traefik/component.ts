// Traefik v3 in front of `web`: plain HTTP in development, HTTPS with Let's Encrypt (TLS-ALPN challenge) in
// production. Static settings are command-line flags built here (compose interpolates the ACME e-mail into
// them); routing is a file-provider config per stack, in traefik/.
import { devHostPort } from '../shared/dev-port.js';
import { acmeEnv } from '../shared/acme-env.js';
import type { Component, ComposeService, ImagePin } from '../types.js';

// 3.7 is Traefik's current minor; 3.6 left support in 2026-08 (Traefik's own support table).
const IMAGE: ImagePin = {
  ref: 'traefik:v3.7.15',
  line: 'Traefik 3.7',
  eol: 'none',
  source: 'doc.traefik.io deprecation policy',
  note: 'the newest minor is supported until the next one',
};
const healthy = { web: { condition: 'service_healthy' } };

/** Flags both stacks share: the ping entry point the healthcheck asks, the file provider, JSON logs. */
const COMMON = [
  '--entryPoints.ping.address=:8082',
  '--ping.entryPoint=ping',
  '--providers.file.filename=/etc/traefik/dynamic.yml',
  '--accessLog=true',
  '--accessLog.format=json',
  '--log.format=json',
  '--global.checkNewVersion=false',
  '--global.sendAnonymousUsage=false',
];

const healthcheck = (interval: string) => ({
  test: ['CMD', 'traefik', 'healthcheck', '--ping', '--ping.entryPoint=ping', '--entryPoints.ping.address=:8082'],
  interval,
  timeout: '3s',
  retries: 3,
});

export const component: Component = {
  id: 'traefik',
  order: 3,
  slot: 'proxy',
  images: [IMAGE],
  capabilities: ['proxy'],
  label: 'Traefik (automatic HTTPS)',
  contribute: ({ answers }) => {
    const dev: ComposeService = {
      image: IMAGE.ref,
      command: ['--entryPoints.web.address=:80', '--providers.file.watch=true', ...COMMON],
      volumes: ['./traefik/dynamic.dev.yml:/etc/traefik/dynamic.yml:ro'],
      ports: [`127.0.0.1:${devHostPort(8080, answers.port)}:80`],
      depends_on: healthy,
      healthcheck: healthcheck('10s'),
    };
    const prod: ComposeService = {
      image: IMAGE.ref,
      // The entry point: on the frontend network only, so it cannot reach the database or cache.
      networks: ['frontend'],
      command: [
        '--entryPoints.web.address=:80',
        '--entryPoints.web.http.redirections.entryPoint.to=websecure',
        '--entryPoints.web.http.redirections.entryPoint.scheme=https',
        '--entryPoints.websecure.address=:443',
        '--entryPoints.websecure.http3=true',
        '--certificatesResolvers.letsencrypt.acme.email=${ACME_EMAIL:?set ACME_EMAIL in .env.prod}',
        '--certificatesResolvers.letsencrypt.acme.storage=/letsencrypt/acme.json',
        '--certificatesResolvers.letsencrypt.acme.tlsChallenge=true',
        ...COMMON,
      ],
      // The routing file reads DOMAIN through the file provider's template function.
      environment: { DOMAIN: '${DOMAIN:?set DOMAIN in .env.prod}' },
      volumes: ['./traefik/dynamic.yml:/etc/traefik/dynamic.yml:ro', 'traefik-acme:/letsencrypt'],
      ports: ['80:80', '443:443', '443:443/udp'],
      depends_on: healthy,
      healthcheck: healthcheck('15s'),
      read_only: true,
      tmpfs: ['/tmp'],
      // Root without any capability: it owns what it writes (the ACME volume), and ports 80 and 443 need none on
      // Docker 20.10+, which opens low ports to containers (tier 3 runs it so).
      cap_drop: ['ALL'],
      deploy: { resources: { limits: { cpus: '0.5', memory: '128M' } } },
    };
    return {
      services: { dev: { proxy: dev }, prod: { proxy: prod } },
      volumes: { prod: ['traefik-acme'] },
      env: acmeEnv('Traefik'),
      docs: {
        name: 'Traefik',
        parts: [{ part: 'Reverse proxy', choice: "Traefik (automatic HTTPS with Let's Encrypt in production)" }],
        urls: [{ what: 'App through Traefik', url: `http://127.0.0.1:${devHostPort(8080, answers.port)}` }],
        deploySteps: [
          'Set `DOMAIN` (a DNS name pointing at the server) and `ACME_EMAIL` in `.env.prod`; open ports 80 and 443.\n   Traefik gets and renews the certificate itself and keeps it in the `traefik-acme` volume.',
        ],
        layout: [{ path: 'traefik/', about: 'proxy routing (dynamic.dev.yml, dynamic.yml; entry points are in compose)' }],
      },
      files: [
        { from: 'dynamic.dev.yml.ejs', to: 'traefik/dynamic.dev.yml' },
        { from: 'dynamic.yml.ejs', to: 'traefik/dynamic.yml' },
      ],
    };
  },
};
