import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { OPTION_SCHEMA } from '../../src/config/option-schema.js';
import { choiceOf, choicesMarkdown, helpLine, STACK_CONFIG_KEYS } from '../../src/config/stack-choices.js';
import { defaultStackConfig } from '../../src/state/stack-config.js';

const README = readFileSync('README.md', 'utf8');
const program = buildProgram({ config: {}, terminal: { interactive: false, color: false } });
const commandNamed = (name: string): Command => program.commands.find((command) => command.name() === name) ?? expect.fail(`no command ${name}`);
/** Commander wraps help to the terminal's width: compare with every run of whitespace as one space. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('the table of stack choices', () => {
  it("is the README's table of choices, row for row", () => {
    const start = README.indexOf('<!-- stack-choices -->');
    const end = README.indexOf('<!-- /stack-choices -->');
    expect(start, 'README has no <!-- stack-choices --> table').toBeGreaterThan(-1);
    // On a mismatch, the expected text is what to paste between the two markers.
    expect(README.slice(start + '<!-- stack-choices -->'.length, end).trim()).toBe(choicesMarkdown());
  });

  it("is provision's options: each flag, its variable, its help line and default", () => {
    const provision = commandNamed('provision');
    const help = flat(provision.helpInformation());
    for (const key of STACK_CONFIG_KEYS) {
      const { flag, env } = choiceOf(key);
      const option = provision.options.find((o) => o.attributeName() === key) ?? expect.fail(`provision has no option for ${key}`);
      expect(option.flags).toBe(flag);
      expect(option.envVar).toBe(env);
      expect(help).toContain(flat(`${flag} ${helpLine(key)}${env ? ` (env: ${env})` : ''}`));
    }
    expect(help).toContain(`a comma list of ${STACK_CONFIG_KEYS.join(', ')}, or all`);
  });

  it('gives every choice a default its own schema accepts, and a schema for thumbs.config.json', () => {
    const defaults = defaultStackConfig();
    for (const key of STACK_CONFIG_KEYS) {
      const schema = OPTION_SCHEMA[key] ?? expect.fail(`no schema for ${key}`);
      if (defaults[key] === undefined) continue;
      expect(schema.parse(String(defaults[key])), key).toBe(defaults[key]);
    }
    expect(Object.keys(defaults).sort()).toEqual(STACK_CONFIG_KEYS.filter((key) => choiceOf(key).default !== undefined).sort());
  });

  it('keeps provision-time flags out of the help of commands that only read them', () => {
    for (const name of ['reprocess', 'gallery', 'upload', 'deploy']) {
      const command = commandNamed(name);
      expect(command.options.some((o) => o.long === '--renditions'), name).toBe(true);
      expect(command.helpInformation(), name).not.toContain('--renditions');
    }
  });
});
