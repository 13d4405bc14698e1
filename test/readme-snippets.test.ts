/**
 * Every ```ts block of the READMEs and docs compiles: each is mirrored,
 * character for character, in a file under test/readme-snippets/ (with what
 * the snippet leaves to the reader around it), and those files are
 * type-checked here with TypeScript.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const MIRRORS = path.join(__dirname, 'readme-snippets');

function markdownFiles(): string[] {
  const files = ['README.md'];
  for (const dir of ['packages', 'examples']) {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const readme = path.join(dir, name, 'README.md');
      if (statSync(path.join(ROOT, dir, name)).isDirectory() && existsFile(readme)) files.push(readme);
    }
  }
  for (const name of readdirSync(path.join(ROOT, 'docs'))) if (name.endsWith('.md')) files.push(path.join('docs', name));
  return files;
}

function existsFile(relative: string): boolean {
  try {
    return statSync(path.join(ROOT, relative)).isFile();
  } catch {
    return false;
  }
}

interface Snippet {
  readonly where: string;
  readonly code: string;
}

function snippets(): Snippet[] {
  const found: Snippet[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```/gm)) {
      found.push({ where: `${file}:${text.slice(0, match.index).split('\n').length}`, code: match[1] });
    }
  }
  return found;
}

function mirrorFiles(dir = MIRRORS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return mirrorFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('README and docs snippets', () => {
  const mirrors = mirrorFiles().map((file) => readFileSync(file, 'utf8'));

  it('are all mirrored verbatim in test/readme-snippets/', () => {
    const all = snippets();
    expect(all.length).toBeGreaterThan(15);
    const missing = all.filter((s) => !mirrors.some((text) => text.includes(s.code))).map((s) => s.where);
    expect(missing).toEqual([]);
  });

  it('compile', () => {
    const configFile = path.join(MIRRORS, 'tsconfig.json');
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configFile,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    )!;
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
