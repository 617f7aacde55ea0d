// Thin entry point for the demo CronJob: all logic lives in src/; this only picks the command.
import { defaultIo } from '../src/cli/default-io.js';
import { main } from '../src/cli/main.js';

process.exitCode = await main(['demo', ...process.argv.slice(2)], defaultIo());
