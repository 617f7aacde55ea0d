// Thin entry point for the demo CronJob: all logic lives in src/; this only picks the command.
import { runCliProcess } from '../src/cli/main.js';

await runCliProcess(['demo', ...process.argv.slice(2)]);
