import { bucketRemover, queueRemover, tableRemover } from './data-removers.js';
import { FUNCTION_REMOVERS } from './function-removers.js';
import { GALLERY_REMOVERS } from './gallery-removers.js';
import type { ResourceRemover } from './remover.js';

/**
 * Every kind teardown knows how to remove, with its wave (dependency order):
 * 1 triggers and published sites, 2 the function, 3 data and the role, 4 the dead-letter queue.
 */
export const REMOVERS: ResourceRemover[] = [
  bucketRemover('originalsBucket', 3),
  bucketRemover('thumbnailsBucket', 3),
  tableRemover,
  queueRemover('queue', 3),
  queueRemover('deadLetterQueue', 4),
  ...GALLERY_REMOVERS,
  ...FUNCTION_REMOVERS,
];
