import { ZipArchive } from 'archiver';
import type { SnapshotFile } from '../gallery/snapshot.js';

/** The site as one zip in memory (a few hundred KB at most): what Amplify's manual deploy takes. */
export async function zipSite(files: SnapshotFile[]): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  // index.html must sit at the zip's root, not in a folder, or Amplify serves a 404.
  for (const file of files) archive.append(Buffer.from(file.body), { name: file.path, mode: 0o644 });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
