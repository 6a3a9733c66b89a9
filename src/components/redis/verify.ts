// Redis in the live tier: the machine's own Redis, one database number per stack.
import { REDIS, tcpAnswers } from '../../../test/support/live/servers.js';
import { redisProtocolLive } from '../shared/redis-protocol.verify.js';
import type { VerifyKit } from '../verify-kit.js';

export const kit: VerifyKit = {
  liveCache: redisProtocolLive('redis', async ({ index }) => {
    if (!(await tcpAnswers(REDIS.host, REDIS.port)))
      throw new Error(`Redis does not answer on ${REDIS.host}:${REDIS.port}: start it (see test/e2e/check-services.sh)`);
    return { ...REDIS, index, note: `Redis database ${index}`, stop: async () => {} };
  }),
};
