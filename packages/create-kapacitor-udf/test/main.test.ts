import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type ScaffoldIo } from '../src';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'create-kapacitor-udf-main-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function run(argv: string[], cwd = work): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: ScaffoldIo = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), cwd };
  const code = main(argv, io);
  return { code, out, err };
}

describe('main', () => {
  it('creates the package and prints the next steps', () => {
    const { code, out, err } = run(['my-udfs']);
    expect([code, err]).toEqual([0, '']);
    expect(out).toContain(`Created my-udfs in ${join(work, 'my-udfs')}`);
    expect(out).toMatch(/cd my-udfs\n\s+npm install\n\s+npm test\n\s+npm run build\n\s+npx udf-run deadband --describe/);
  });

  it('leaves out the cd when the package is the current directory, and quotes a path that needs it', () => {
    expect(run(['.']).out).not.toMatch(/\bcd /);
    expect(run(["it's here", '--name', 'here']).out).toContain(`cd 'it'\\''s here'`);
    const outside = join(work, 'outside');
    expect(run([outside], join(work, 'sub')).out).toContain(`cd ${outside}\n`);
  });

  it('reports a refusal with its advice and exit code 1', () => {
    run(['dir']);
    const { code, out, err } = run(['dir']);
    expect([code, out]).toEqual([1, '']);
    expect(err).toMatch(/^create-kapacitor-udf: .*dir is not empty .*\n.*--force/);
    expect(err).toContain('npm create kapacitor-udf');
  });

  it('exits 2 on a wrong command line', () => {
    const { code, err } = run([]);
    expect(code).toBe(2);
    expect(err).toMatch(/--help/);
  });

  it('prints help and the version', () => {
    expect(run(['--help'])).toEqual({
      code: 0,
      out: expect.stringMatching(/npm create kapacitor-udf <dir> \[-- --name <package-name> --force\]/),
      err: '',
    });
    const version = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
    expect(run(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});
