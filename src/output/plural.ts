/** "1 message", "2 messages": counts in sentences the user reads. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * 100000 -> "100,000". Not toLocaleString: its first call loads ICU's locale data, ~20 ms that
 * every `--help` paid while a help text used it.
 */
export function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
