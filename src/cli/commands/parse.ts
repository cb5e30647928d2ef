import { InvalidArgumentError } from 'commander';

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

