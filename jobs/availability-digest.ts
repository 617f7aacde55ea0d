// Thin entry point for the availability-digest CronJob: all logic lives in src/; this only picks the command.
import { runCliProcess } from '../src/cli/main.js';

await runCliProcess(['digest', ...process.argv.slice(2)]);
