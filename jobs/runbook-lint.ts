// Thin entry point for the runbook-lint CronJob: all logic lives in src/; this only picks the command.
import { runCliProcess } from '../src/cli/main.js';

await runCliProcess(['runbooks', 'lint', ...process.argv.slice(2)]);
