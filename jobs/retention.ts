// Thin entry point for the retention CronJob: all logic lives in src/; this only picks the command.
import { defaultIo } from '../src/cli/default-io.js';
import { main } from '../src/cli/main.js';

process.exitCode = await main(['retention', ...process.argv.slice(2)], defaultIo());
