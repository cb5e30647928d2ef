/**
 * A notification target as `provision --notify` takes it: an https URL, an http URL on loopback
 * (a receiver on this machine, for the embedded backend and tests), or `email:<address>`.
 */
const HTTPS = /^https:\/\/[^\s/]+(\/\S*)?$/;
const LOOPBACK_HTTP = /^http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?(\/\S*)?$/;
const EMAIL = /^email:[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function targetProblem(target: string): string | undefined {
  if (HTTPS.test(target) || LOOPBACK_HTTP.test(target) || EMAIL.test(target)) return undefined;
  if (target.startsWith('http://')) return `"${target}": plain http only to loopback (127.0.0.1, localhost); use https`;
  return `"${target}" is not a target: takes https://…, http:// to loopback, email:<address>, or none`;
}

/** The targets given (repeated flag, or a list in thumbs.config.json), as the one string a stack records; '' for none. */
export function normalizeTargets(given: string | string[]): { value: string } | { problem: string } {
  const list = (Array.isArray(given) ? given : [given]).flatMap((v) => String(v).split(/\s+/)).filter(Boolean);
  if (list.includes('none')) return list.length === 1 ? { value: '' } : { problem: 'none removes every target, so it cannot be combined with others' };
  if (list.length === 0) return { problem: 'takes a target: https://…, email:<address>, or none' };
  for (const target of list) {
    const problem = targetProblem(target);
    if (problem) return { problem };
  }
  return { value: [...new Set(list)].join(' ') };
}
