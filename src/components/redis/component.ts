// Redis as the cache (and, if asked, the worker's broker).
import { IMAGES } from '../pins.js';
import { redisProtocolCache } from '../shared/redis-protocol.js';

export const component = redisProtocolCache({
  id: 'redis',
  order: 1,
  label: 'Redis',
  image: IMAGES.redis,
  server: 'redis-server',
  cli: 'redis-cli',
  cliAuthEnv: 'REDISCLI_AUTH',
  user: 'redis',
});
