/** "1 message", "2 messages": counts in sentences the user reads. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
