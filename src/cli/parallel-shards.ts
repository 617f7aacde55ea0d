import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface ShardRun {
  shard: string;
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `fleetops <args> --shard i/n` as n child processes of this same CLI (compiled or under tsx), one
 * per core, like the Indexed Job does with pods. The shards write to the same store.
 */
export async function runShardProcesses(args: string[], env: NodeJS.ProcessEnv, count = Math.max(1, Math.min(8, availableParallelism()))): Promise<ShardRun[]> {
  const entry = process.argv[1];
  return Promise.all(Array.from({ length: count }, (_, i) => new Promise<ShardRun>((resolve) => {
    const shard = `${i}/${count}`;
    const child = spawn(process.execPath, [...process.execArgv, entry, ...args, '--shard', shard], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // decoded as a stream: a character split between two chunks arrived as three U+FFFD
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (err) => resolve({ shard, code: 1, stdout, stderr: `${stderr}${err.message}\n` }));
    child.on('exit', (code) => resolve({ shard, code: code ?? 1, stdout, stderr }));
  })));
}
