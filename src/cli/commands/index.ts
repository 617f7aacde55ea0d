import type { Command } from '../command.js';
import { configPrint, configValidate } from './config-commands.js';
import { demoCommand } from './demo-command.js';
import { digestCommand } from './digest-command.js';
import { reportCommand } from './report-command.js';
import { retentionCommand } from './retention-command.js';
import { proposalsCommand } from './proposals-command.js';
import { opsRunCommand } from './ops-run-command.js';
import { auditExport, auditVerify } from './audit-commands.js';
import { runbooksLint } from './runbooks-lint-command.js';
import { rulesRender } from './rules-command.js';
import { scanCommand } from './scan-command.js';
import { scheduleCommand } from './schedule-command.js';
import { simulateExport, simulateGroundTruth, simulateInventory } from './simulate-commands.js';

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: Command[] = [
  demoCommand,
  scanCommand,
  digestCommand,
  reportCommand,
  proposalsCommand,
  opsRunCommand,
  retentionCommand,
  auditVerify,
  auditExport,
  runbooksLint,
  rulesRender,
  scheduleCommand,
  configValidate,
  configPrint,
  simulateExport,
  simulateInventory,
  simulateGroundTruth,
];
