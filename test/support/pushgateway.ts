import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PUSHGATEWAY_BIN = 'prometheus-pushgateway';

export function hasPushgateway(): boolean {
  return spawnSync('which', [PUSHGATEWAY_BIN]).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** A real Debian prometheus-pushgateway on 127.0.0.1 (free port), stopped and removed by stop(). */
export async function startPushgateway(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-pgw-'));
  const port = await freePort();
  const proc: ChildProcess = spawn(PUSHGATEWAY_BIN, [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'p')}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
