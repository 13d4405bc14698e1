/**
 * The options list of the README is the one `udf-run --help` prints: every
 * flag of the help is in the README's "Options" block and the block names no
 * other. Both lists are read, none is written here, so a new flag only needs
 * its help line and its README line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../src/main';

/** The long flags of option lines: `  -m, --module <file>  ...` or `--frame-timeout <time>`. */
function flagsOf(text: string): string[] {
  const flags = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(?:-[A-Za-z], )?(--[a-z][a-z-]*)/.exec(line);
    if (match) flags.add(match[1]);
  }
  return [...flags].sort();
}

async function helpText(): Promise<string> {
  let out = '';
  const code = await main(['--help'], { out: (t) => void (out += `${t}\n`), err: () => undefined });
  expect(code).toBe(0);
  return out;
}

describe('the cli README', () => {
  it('lists exactly the flags udf-run --help lists', async () => {
    const help = await helpText();
    const options = help.slice(help.indexOf('\nOptions:'));
    expect(options.length).toBeGreaterThan(0);
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Options\n'));
    const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const fromHelp = flagsOf(options);
    expect(fromHelp).toEqual(expect.arrayContaining(['--help', '--version', '--socket', '--list', '--describe']));
    expect(flagsOf(block)).toEqual(fromHelp);
  });
});
