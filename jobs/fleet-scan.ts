// Thin entry point for the fleet-scan CronJob: all logic lives in src/; this only picks the command.
import { defaultIo } from '../src/cli/default-io.js';
import { main } from '../src/cli/main.js';

process.exitCode = await main(['scan', ...process.argv.slice(2)], defaultIo());
