/**
 * The README's "Options" section names exactly the flags `udf-run --help`
 * prints: every flag of the help (in its list, or among the limits named in
 * its prose) and no other. Both are read, no flag is written here, so a new
 * flag only needs its help line and its mention in the README.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../src/main';

/** The long flags of the help's option lines: `  -m, --module <file>  ...` or `  --frame-timeout <time>`. */
function helpFlags(text: string): string[] {
  const flags = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(?:-[A-Za-z], )?(--[a-z][a-z-]*)/.exec(line);
    if (match) flags.add(match[1]);
  }
  return [...flags].sort();
}

/** Every long flag a text names, anywhere (a list line or `--flag` in prose). */
function mentionedFlags(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))].sort();
}

async function helpText(): Promise<string> {
  let out = '';
  const code = await main(['--help'], { out: (t) => void (out += `${t}\n`), err: () => undefined });
  expect(code).toBe(0);
  return out;
}

describe('the cli README', () => {
  it('names exactly the flags udf-run --help lists', async () => {
    const help = await helpText();
    const fromHelp = helpFlags(help.slice(help.indexOf('\nOptions:')));
    expect(fromHelp).toEqual(expect.arrayContaining(['--help', '--version', '--socket', '--list', '--describe', '--frame-timeout']));
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Options\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    expect(mentionedFlags(section)).toEqual(fromHelp);
  });
});
