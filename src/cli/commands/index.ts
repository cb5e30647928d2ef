import type { Command } from 'commander';
import type { Runtime } from '../runtime.js';
import { registerDemo } from './demo.js';
import { registerDeploy } from './deploy.js';
import { registerDev } from './dev.js';
import { registerDoctor } from './doctor.js';
import { registerDlq } from './dlq.js';
import { registerGallery } from './gallery.js';
import { registerLogs } from './logs.js';
import { registerPackage } from './package.js';
import { registerProvision } from './provision.js';
import { registerPublish } from './publish.js';
import { registerReprocess } from './reprocess.js';
import { registerScanDb } from './scan-db.js';
import { registerStacks } from './stacks.js';
import { registerStatus } from './status.js';
import { registerTeardown } from './teardown.js';
import { registerUnlock } from './unlock.js';
import { registerUpload } from './upload.js';

export function registerCommands(program: Command, runtime: Runtime): void {
  registerProvision(program, runtime);
  registerPackage(program, runtime);
  registerDeploy(program, runtime);
  registerDev(program, runtime);
  registerDemo(program, runtime);
  registerUpload(program, runtime);
  registerTeardown(program, runtime);
  registerScanDb(program, runtime);
  registerStatus(program, runtime);
  registerLogs(program, runtime);
  registerDlq(program, runtime);
  registerReprocess(program, runtime);
  registerStacks(program, runtime);
  registerUnlock(program, runtime);
  registerDoctor(program, runtime);
  registerGallery(program, runtime);
  registerPublish(program, runtime);
}
