// Thin entry point for the fleet-scan CronJob: all logic lives in src/; this only picks the command.
import { runCliProcess } from '../src/cli/main.js';

await runCliProcess(['scan', ...process.argv.slice(2)]);
