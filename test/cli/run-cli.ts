import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with captured output, a frozen clock and a silent logger. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}, nowMs = Date.UTC(2026, 10, 30, 6)): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    env,
    clock: fixedClock(nowMs),
    logger: silentLogger,
    isTty: false,
  });
  return { code, stdout, stderr };
}
