// Thin entry point for the proposals CronJob: all logic lives in src/; this only picks the command.
import { runCliProcess } from '../src/cli/main.js';

await runCliProcess(['proposals', ...process.argv.slice(2)]);
