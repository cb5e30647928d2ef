import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FOLDERS = ['src', 'lambda', 'test', 'bench'];
const STRING = /(['"`])((?:(?!\1)[^\\\n]|\\.)*)\1/g;
const MODULE_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)$/;
const HERE = /import\.meta\.(dirname|url|filename)|__dirname/;
const PATH_USE = /\b(resolve|join|readFile\w*|readdir\w*|createReadStream|existsSync|stat|URL)\s*\(/;

const inside = (target: string) => target === ROOT || target.startsWith(`${ROOT}${path.sep}`);

function sourceFiles(): string[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(path.join(ROOT, folder), { recursive: true })
      .map(String)
      .filter((file) => /\.(ts|js|mjs|cjs)$/.test(file))
      .map((file) => path.join(ROOT, folder, file))
      // This file's examples are the paths it refuses.
      .filter((file) => file !== import.meta.filename),
  );
}

/**
 * The path literals of one file that lead outside the repository. A path is resolved the way the
 * code resolves it: module specifiers and paths on a line using import.meta from the file's own
 * folder; any other relative path from the repository root, the working folder of tests and benchmarks.
 */
export function outsidePaths(file: string, text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    for (const match of line.matchAll(STRING)) {
      const literal = match[2]!;
      if (/^\/(work|home|Users|mnt|srv|tmp\/shared)\//.test(literal) || /(^|\/)shared\/corpus\b/.test(literal)) {
        found.push(literal);
        continue;
      }
      if (!/^\.\.(\/|$)/.test(literal)) continue;
      const before = line.slice(0, match.index);
      if (!MODULE_SPECIFIER.test(before) && !PATH_USE.test(line)) continue;
      const fromFile = MODULE_SPECIFIER.test(before) || HERE.test(line);
      const base = fromFile ? path.dirname(file) : ROOT;
      // A line may join several literals ('..', '..', 'x'): follow the consecutive ones.
      const joined = line.slice(match.index).match(/^(?:(['"`])[^'"`]*\1\s*,?\s*)+/)?.[0] ?? '';
      const parts = [...joined.matchAll(/(['"`])([^'"`]*)\1/g)].map((m) => m[2]!);
      if (!inside(path.resolve(base, literal)) || !inside(path.resolve(base, ...parts))) found.push(literal);
    }
  }
  return found;
}

describe('the repository is self-contained', () => {
  it('finds the kinds of paths it is meant to refuse (so the check below can fail)', () => {
    const test = path.join(ROOT, 'test', 'unit', 'x.test.ts');
    // The outside folder's name is put together here, so this file itself names no path outside the repository.
    const outside = ['..', 'shared'].join('/');
    expect(outsidePaths(test, `readFileSync(resolve('${outside}/corpus', name))`)).toEqual([`${outside}/corpus`]);
    expect(outsidePaths(test, `path.resolve(import.meta.dirname, '../../../${outside}/corpus')`)).toEqual([`../../../${outside}/corpus`]);
    expect(outsidePaths(test, `path.resolve(ROOT, '..', '${outside.slice(3)}', 'corpus', 'x.jpg')`)).toEqual(['..']);
    expect(outsidePaths(test, `const p = '/work/${outside.slice(3)}/corpus/a.jpg';`)).toEqual([`/work/${outside.slice(3)}/corpus/a.jpg`]);
    expect(outsidePaths(test, "import { x } from '../../src/x.js';\nconst images = path.resolve(import.meta.dirname, '../../images');")).toEqual([]);
    expect(outsidePaths(test, "if (name.includes('..')) return 'contains ..';")).toEqual([]);
  });

  it('no file under src/, lambda/, test/ or bench/ refers to a path outside the repository', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.flatMap((file) => outsidePaths(file, readFileSync(file, 'utf8')).map((literal) => `${path.relative(ROOT, file)}: ${literal}`));
    expect(offenders).toEqual([]);
  });
});
