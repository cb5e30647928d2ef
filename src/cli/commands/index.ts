import type { Command } from 'commander';
import type { Runtime } from '../runtime.js';
import { registerDemo } from './demo.js';
import { registerDeploy } from './deploy.js';
import { registerDev } from './dev.js';
import { registerDoctor } from './doctor.js';
import { registerGallery } from './gallery.js';
import { registerPackage } from './package.js';
import { registerProvision } from './provision.js';
import { registerPublish } from './publish.js';
import { registerScanDb } from './scan-db.js';
import { registerStatus } from './status.js';
import { registerTeardown } from './teardown.js';
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
  registerDoctor(program, runtime);
  registerGallery(program, runtime);
  registerPublish(program, runtime);
}
