// nginx in front of `web`: plain HTTP in development, TLS with your certificate in production.
import type { Component } from '../types.js';
import { IMAGES } from '../pins.js';
import { devHostPort } from '../shared/dev-port.js';

const healthy = { web: { condition: 'service_healthy' } };

export const component: Component = {
  id: 'nginx',
  order: 1,
  slot: 'proxy',
  images: [IMAGES.nginx],
  capabilities: ['proxy'],
  label: 'nginx',
  contribute: ({ answers }) => ({
    docs: {
      name: 'nginx',
      parts: [{ part: 'Reverse proxy', choice: 'nginx (TLS with your certificate in production)' }],
      urls: [{ what: 'App through nginx', url: `http://127.0.0.1:${devHostPort(8080, answers.port)}` }],
      deploySteps: [
        "Put the TLS certificate and key in `nginx/certs/` (`fullchain.pem`, `privkey.pem`; `nginx/certs/README.md` shows\n   how to get them from Let's Encrypt).",
      ],
      layout: [{ path: 'nginx/', about: 'proxy configs (dev.conf, prod.conf) and certs/ for TLS' }],
      capabilities:
        "nginx's master process (root) makes its temporary folders and gives them to its workers' user (`CHOWN`), then\nstarts the workers as that user (`SETGID`, `SETUID`); it reads the TLS key as root without bypassing file permissions,\nso keep `nginx/certs/privkey.pem` owned by root",
    },
    services: {
      dev: {
        proxy: {
          image: IMAGES.nginx.ref,
          volumes: ['./nginx/dev.conf:/etc/nginx/conf.d/default.conf:ro'],
          ports: [`127.0.0.1:${devHostPort(8080, answers.port)}:80`],
          depends_on: healthy,
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/nginx-health'], interval: '10s', timeout: '3s', retries: 3 },
        },
      },
      prod: {
        proxy: {
          image: IMAGES.nginx.ref,
          networks: ['frontend'],
          // certs: fullchain.pem + privkey.pem (nginx/certs/README.md); acme: certbot's webroot for HTTP-01.
          volumes: ['./nginx/prod.conf:/etc/nginx/conf.d/default.conf:ro', './nginx/certs:/etc/nginx/certs:ro', './nginx/acme:/var/www/acme:ro'],
          ports: ['80:80', '443:443'],
          depends_on: healthy,
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/nginx-health'], interval: '15s', timeout: '3s', retries: 3 },
          read_only: true,
          tmpfs: ['/var/cache/nginx', '/var/run', '/tmp'],
          // The master runs as root: it makes its temp folders in the tmpfs and gives them to the worker user
          // (CHOWN), then starts the workers as that user (SETGID, SETUID). Nothing else: ports 80 and 443 need no
          // capability on Docker 20.10+, which opens low ports to containers (tier 3 shows each one is needed).
          cap_drop: ['ALL'],
          cap_add: ['CHOWN', 'SETGID', 'SETUID'],
          deploy: { resources: { limits: { cpus: '0.5', memory: '128M' } } },
        },
      },
    },
    files: [
      { from: 'dev.conf.ejs', to: 'nginx/dev.conf' },
      { from: 'prod.conf.ejs', to: 'nginx/prod.conf' },
      { from: 'certs/README.md', to: 'nginx/certs/README.md' },
      { from: 'acme/README.md', to: 'nginx/acme/README.md' },
    ],
  }),
};
