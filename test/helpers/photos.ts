import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository's sample photos (images/, licenses in images/LICENSES.md): tests need nothing outside the repository. */
export const PHOTOS_DIR = path.resolve(import.meta.dirname, '../../images');

export const photoPath = (name: string): string => path.join(PHOTOS_DIR, name);

export const photo = (name: string): Buffer => readFileSync(photoPath(name));

/** Test-only inputs that are not photos for upload or demo (test/fixtures/, licenses in test/fixtures/LICENSES.md). */
export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../fixtures');

export const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES_DIR, name));
