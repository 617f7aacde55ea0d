// Thin entry point for the retention CronJob: all logic lives in src/; this only picks the command.
import { runCliProcess } from '../src/cli/main.js';

await runCliProcess(['retention', ...process.argv.slice(2)]);
