import { InvalidArgumentError } from 'commander';
import { parseSince } from '../../logs/since.js';

/** Option parsers: commander reports their errors with the option's name and exits 2 (see main.ts). */
export function positiveInt(option: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${option} takes a whole number from 1 to ${max}, not "${value}".`);
    }
    return n;
  };
}

export function oneOf<T extends string>(option: string, values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${option} takes one of ${values.join(', ')}, not "${value}".`);
    }
    return value as T;
  };
}

/**
 * A key prefix names a folder of the bucket: no `..` segment (S3 keeps it literally, so the
 * "folder" would be one named `..`) and no leading `/` (every key would start with an empty folder name).
 */
export function keyPrefix(option: string) {
  return (value: string): string => {
    if (value.startsWith('/')) {
      throw new InvalidArgumentError(`${option} ${value} starts with "/": S3 keys are relative to the bucket. Give it without the leading slash, e.g. ${option} ${value.replace(/^\/+/, '') || 'photos/'}.`);
    }
    if (value.split(/[/\\]/).includes('..')) {
      throw new InvalidArgumentError(`${option} ${value} has a ".." segment, which S3 would keep as a folder named "..". Name the folder itself, e.g. ${option} photos/2024/.`);
    }
    return value;
  };
}

/** `10m`, `2h`, `1d` or an ISO date, as epoch ms. */
export function sinceTime(option: string) {
  return (value: string): number => {
    const time = parseSince(value);
    if (time === undefined) throw new InvalidArgumentError(`${option} takes a duration such as 30s, 10m, 2h, 1d or an ISO date such as 2026-11-30T18:00Z, not "${value}".`);
    if (time > Date.now()) throw new InvalidArgumentError(`${option} ${value} is in the future: nothing is logged there yet. Give a time in the past, e.g. 10m.`);
    return time;
  };
}

/** `1024` or `512,1024,1769`: memory sizes Lambda accepts, in MB. */
export function memoryList(option: string) {
  return (value: string): number[] => {
    const sizes = value.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
    if (sizes.length === 0 || sizes.some((mb) => !Number.isInteger(mb) || mb < 128 || mb > 10_240)) {
      throw new InvalidArgumentError(`${option} takes memory sizes in MB from 128 to 10240, one or a comma list such as 512,1024,1769, not "${value}".`);
    }
    return sizes;
  };
}
