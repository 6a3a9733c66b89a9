// The two settings a proxy that gets its own certificates (Caddy, Traefik) needs in production.
import type { EnvVar } from '../types.js';

export function acmeEnv(proxy: string): EnvVar[] {
  return [
    {
      name: 'DOMAIN',
      description: `Public domain name ${proxy} serves and gets a certificate for`,
      dev: 'localhost',
      prod: 'app.example.com',
      requiredInProd: true,
    },
    {
      name: 'ACME_EMAIL',
      description: "E-mail Let's Encrypt uses for expiry notices",
      dev: 'admin@example.com',
      prod: 'ops@example.com',
      requiredInProd: true,
    },
  ];
}
