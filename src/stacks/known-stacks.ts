import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { readState, stateFilePath, type StackState } from '../state/state-file.js';

export interface KnownStack {
  state: StackState;
  file: string;
  /** When the state file was first written (its birth time where the filesystem keeps one). */
  createdAt: string;
}

/** A state file that is there but cannot be read: listed, so that the stack does not silently vanish. */
export interface UnreadableStack {
  stack: string;
  file: string;
  /** Whether it sits in the embedded backend's folder. */
  local: boolean;
  error: string;
}

export interface KnownStacks {
  known: KnownStack[];
  unreadable: UnreadableStack[];
}

/** The embedded backend's endpoints, next to the real stacks' state files: not a stack. */
const ENDPOINTS_FILE = 'local.json';

async function stacksIn(dir: string, local: boolean): Promise<KnownStacks> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.json') && !(f === ENDPOINTS_FILE && !local));
  } catch {
    return { known: [], unreadable: [] };
  }
  const found: KnownStacks = { known: [], unreadable: [] };
  for (const name of names) {
    const stack = name.slice(0, -'.json'.length);
    const file = stateFilePath(dir, stack);
    try {
      const state = await readState(dir, stack);
      if (!state) continue;
      const info = await stat(file);
      const born = info.birthtimeMs > 0 ? info.birthtime : info.mtime;
      found.known.push({ state, file, createdAt: born.toISOString() });
    } catch (error) {
      found.unreadable.push({ stack, file, local, error: (error as Error).message });
    }
  }
  return found;
}

/** Every stack with a state file here: real ones in the state folder, embedded ones in its local/ folder. */
export async function knownStacks(stateDir: string): Promise<KnownStacks> {
  const [real, local] = await Promise.all([stacksIn(stateDir, false), stacksIn(path.join(stateDir, 'local'), true)]);
  return { known: [...real.known, ...local.known], unreadable: [...real.unreadable, ...local.unreadable] };
}
