import type http from 'node:http';
import { ExitCode, ThumbsError, usageError } from '../errors.js';
import type { Announced, UploadForm } from './browser-upload.js';
import type { SealedBatch } from './upload-batches.js';

export interface UploadService {
  maxBytes: number;
  prefix: string;
  /** A presigned POST for one file, by the name and type the browser gives, filed under an open batch. */
  presign(fileName: string, type: string, batch?: string): Promise<UploadForm>;
  /** After S3 accepted the POST: announce it (queue the message, count it toward its batch). */
  complete(key: string): Promise<Announced>;
  /** One batch per drop of files; absent: uploads count toward no batch. */
  batches?: {
    start(): Promise<string>;
    isOpen(batch: string): boolean;
    seal(batch: string): Promise<SealedBatch>;
  };
}

interface Answer {
  status: number;
  value: unknown;
}

/** Enough for a hundred file names; an upload's bytes never pass through this server. */
const MAX_JSON_BODY = 64 * 1024;

/** Files one upload request may ask forms for. */
const MAX_UPLOAD_FILES = 100;

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_JSON_BODY) {
        reject(usageError('body-too-large', 'request body is too large', 'Upload fewer files at once.'));
        req.destroy();
      }
    });
    req.on('end', () => {
      try {
        const value: unknown = JSON.parse(body);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) resolve(value as Record<string, unknown>);
        else reject(usageError('bad-body', 'request body is not a JSON object', 'Send {"files": [...]} or {"key": "..."}.'));
      } catch {
        reject(usageError('bad-body', 'request body is not JSON', 'Send {"files": [...]} or {"key": "..."}.'));
      }
    });
    req.on('error', reject);
  });
}

/**
 * Only the page itself may post: its Origin is this server's (another site's page carries its
 * own), and a JSON body cannot be sent cross-site without a preflight this server never answers.
 */
function sameOrigin(req: http.IncomingMessage): boolean {
  return req.headers.origin === `http://${req.headers.host ?? ''}`
    && /^application\/json\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * The page's upload requests (`POST /api/uploads...`): the JSON answer and its status, or undefined
 * for a path that is not one of them. Errors are thrown, as ThumbsErrors, for the server to answer.
 */
export async function answerUpload(upload: UploadService, req: http.IncomingMessage, url: URL): Promise<Answer | undefined> {
  if (!url.pathname.startsWith('/api/uploads')) return undefined;
  if (!sameOrigin(req)) return { status: 403, value: { error: { code: 'cross-origin', message: 'only the gallery page may upload' } } };
  const body = await readJson(req);
  const batches = upload.batches;
  if (url.pathname === '/api/uploads/batch' && batches) return { status: 200, value: { batch: await batches.start() } };
  if (url.pathname === '/api/uploads/seal' && batches) {
    if (typeof body.batch !== 'string') throw usageError('bad-batch', 'batch must be a string', 'Send {"batch": "<the id /api/uploads/batch gave>"}.');
    return { status: 200, value: await batches.seal(body.batch) };
  }
  if (url.pathname === '/api/uploads') {
    const batch = body.batch;
    if (batch !== undefined && (typeof batch !== 'string' || !batches?.isOpen(batch))) {
      throw usageError('batch-not-open', 'batch is not an upload open in this gallery', 'Drop the files again: the page opens a new batch.');
    }
    const files = body.files;
    if (!Array.isArray(files) || files.length === 0 || files.length > MAX_UPLOAD_FILES || !files.every((f) => typeof (f as { name?: unknown })?.name === 'string')) {
      throw usageError('bad-files', `files must list 1-${MAX_UPLOAD_FILES} files by name`, 'Choose fewer files.');
    }
    // One refused file (an SVG among photos) is answered in its place; the others still get forms.
    const uploads = await Promise.all(files.map(async (file) => {
      const { name, type } = file as { name: string; type?: unknown };
      try {
        return await upload.presign(name, typeof type === 'string' ? type : '', batch);
      } catch (error) {
        if (error instanceof ThumbsError && error.exitCode === ExitCode.usage) return { name, error: { code: error.code, message: error.message, hint: error.hint } };
        throw error;
      }
    }));
    return { status: 200, value: { uploads } };
  }
  if (url.pathname === '/api/uploads/complete') {
    if (typeof body.key !== 'string') throw usageError('bad-key', 'key must be a string', 'Send {"key": "<the uploaded key>"}.');
    return { status: 200, value: { key: body.key, ...(await upload.complete(body.key)) } };
  }
  return undefined;
}
