import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

export interface ZipListing {
  name: string;
  /** Unix mode from the external attributes (0o120000 bits = symlink). */
  mode: number;
}

function entries(zip: ZipFile): AsyncGenerator<Entry> {
  return (async function* () {
    for (;;) {
      const next = new Promise<Entry | undefined>((resolve, reject) => {
        zip.once('entry', resolve);
        zip.once('end', () => resolve(undefined));
        zip.once('error', reject);
      });
      zip.readEntry();
      const entry = await next;
      zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      if (!entry) return;
      yield entry;
    }
  })();
}

/** Lists a zip and, with `into`, extracts its regular entries there. */
export async function unzip(zipPath: string, into?: string): Promise<ZipListing[]> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  const listing: ZipListing[] = [];
  try {
    for await (const entry of entries(zip)) {
      listing.push({ name: entry.fileName, mode: (entry.externalFileAttributes >>> 16) & 0o177777 });
      if (!into || entry.fileName.endsWith('/')) continue;
      const target = path.join(into, entry.fileName);
      await mkdir(path.dirname(target), { recursive: true });
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      await writeFile(target, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return listing;
}
