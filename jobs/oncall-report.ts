// Thin entry point for the oncall-report CronJob: all logic lives in src/; this only picks the command.
import { runCliProcess } from '../src/cli/main.js';

await runCliProcess(['report', ...process.argv.slice(2)]);
