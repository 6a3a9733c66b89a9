// Valkey as the cache: the open-source fork of Redis, with the same protocol, client (redis-py) and readiness
// check; it can be the worker's broker too. Valkey 9.0 is supported until 2028-10 (the project's own policy).
import { redisProtocolCache } from '../shared/redis-protocol.js';

export const component = redisProtocolCache({
  id: 'valkey',
  order: 3,
  label: 'Valkey',
  // Not checked against a registry from here (none is reachable); 9.0 is supported until 2028-10-21.
  image: { ref: 'valkey/valkey:9.0.8-alpine', line: 'Valkey 9.0', eol: '2028-10-21', source: 'valkey.io release policy' },
  server: 'valkey-server',
  cli: 'valkey-cli',
  // valkey-cli still reads the password from REDISCLI_AUTH (checked with valkey-cli 8.1).
  cliAuthEnv: 'REDISCLI_AUTH',
  user: 'valkey',
});
