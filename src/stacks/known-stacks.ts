import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { readState, stateFilePath, type StackState } from '../state/state-file.js';

export interface KnownStack {
  state: StackState;
  file: string;
  /** When the state file was first written (its birth time where the filesystem keeps one). */
  createdAt: string;
}

async function stacksIn(dir: string): Promise<KnownStack[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const found: KnownStack[] = [];
  for (const name of names) {
    const stack = name.slice(0, -'.json'.length);
    // local.json holds the embedded backend's endpoints, and an unreadable file is not a stack to list.
    const state = await readState(dir, stack).catch(() => undefined);
    if (!state?.resources) continue;
    const file = stateFilePath(dir, stack);
    const info = await stat(file);
    const born = info.birthtimeMs > 0 ? info.birthtime : info.mtime;
    found.push({ state, file, createdAt: born.toISOString() });
  }
  return found;
}

/** Every stack with a state file here: real ones in the state folder, embedded ones in its local/ folder. */
export async function knownStacks(stateDir: string): Promise<KnownStack[]> {
  const [real, local] = await Promise.all([stacksIn(stateDir), stacksIn(path.join(stateDir, 'local'))]);
  return [...real, ...local];
}
