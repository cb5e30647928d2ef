export const STACK_TAG = 'thumbs:stack';
export const MANAGED_BY_TAG = 'thumbs:managed-by';

/** Tags on everything thumbs creates; teardown deletes only what still carries STACK_TAG=stack. */
export function stackTagMap(stack: string): Record<string, string> {
  return { [STACK_TAG]: stack, [MANAGED_BY_TAG]: 'thumbs' };
}

export function stackTagList(stack: string): Array<{ Key: string; Value: string }> {
  return Object.entries(stackTagMap(stack)).map(([Key, Value]) => ({ Key, Value }));
}

export function carriesStackTag(tags: Record<string, string | undefined> | undefined, stack: string): boolean {
  return tags?.[STACK_TAG] === stack;
}

export function tagListToMap(tags: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key as string, t.Value ?? '']));
}
