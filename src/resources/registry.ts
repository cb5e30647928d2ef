import { amplifyAppModule } from './amplify-app.js';
import { bucketModule } from './bucket.js';
import { notificationModule } from './bucket-notification.js';
import { mappingModule } from './event-source-mapping.js';
import { functionModule } from './function.js';
import { functionUrlModule } from './function-url.js';
import { logGroupModule } from './log-group.js';
import { notifyTopicModule } from './notify-topic.js';
import { queueModule } from './queues.js';
import type { ResourceModule } from './resource.js';
import { roleModule } from './role.js';
import { tableModule } from './table.js';

/**
 * Every kind of resource a stack may hold, for status and teardown, with its teardown wave
 * (dependency order): 1 triggers, the function's URL and published sites, 2 the function, 3 data and the role,
 * 4 the dead-letter queue.
 */
export const RESOURCE_MODULES: ResourceModule[] = [
  bucketModule('originalsBucket', 3),
  bucketModule('thumbnailsBucket', 3),
  tableModule,
  queueModule('queue', 3),
  queueModule('deadLetterQueue', 4),
  amplifyAppModule,
  bucketModule('siteBucket', 1),
  mappingModule,
  notificationModule,
  functionModule,
  functionUrlModule,
  logGroupModule,
  notifyTopicModule,
  roleModule,
];
