import type { Command } from '../command.js';
import { configPrint, configValidate } from './config-commands.js';

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: Command[] = [
  configValidate,
  configPrint,
];
