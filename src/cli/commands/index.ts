import type { Command } from 'commander';
import type { Runtime } from '../runtime.js';
import { registerDev } from './dev.js';
import { registerProvision } from './provision.js';

export function registerCommands(program: Command, runtime: Runtime): void {
  registerProvision(program, runtime);
  registerDev(program, runtime);
}
