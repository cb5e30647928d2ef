/**
 * User-facing defaults and limits, in one light module: the CLI declares its options with them
 * without loading the actions (and so the SDK clients) behind each command.
 */

/** scan-db: parallel scan segments. */
export const DEFAULT_SEGMENTS = 4;
export const MAX_SEGMENTS = 16;

/** status: objects counted per bucket before showing "100,000+". */
export const OBJECT_COUNT_CAP = 100_000;

/** gallery: where the local page listens; loopback unless told otherwise. */
export const DEFAULT_GALLERY_PORT = 8000;
export const DEFAULT_GALLERY_HOST = '127.0.0.1';
export const DEFAULT_PAGE_SIZE = 24;

/** publish: where the snapshot goes, and how long its presigned URLs may live (SigV4's limit). */
export const HOSTINGS = ['amplify', 's3', 'none'] as const;
export type Hosting = (typeof HOSTINGS)[number];
export const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/** upload: files in flight, and how long --wait waits for processing. */
export const DEFAULT_UPLOAD_CONCURRENCY = 16;
export const MAX_UPLOAD_CONCURRENCY = 64;
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 300;

/** Receives of a message before SQS moves it to the dead-letter queue (the queue's redrive policy). */
export const MAX_RECEIVE_COUNT = 5;
