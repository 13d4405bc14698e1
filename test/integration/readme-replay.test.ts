/**
 * The root README's tour step "Replay your data": its commands run, as
 * written (npx udf-run -> the built bin), over the committed recording that
 * kapacitord 1.5.9 made, and give the output pinned next to it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readStreamRecording } from '@kapacitor-udf/replay';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build';
import { BIN, ROOT } from './helpers/paths';

const RECORDINGS = path.join(ROOT, 'examples', 'moving-avg', 'recordings');

function tourCommands(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const step = readme.slice(readme.indexOf('**Replay your data**'));
  const block = /```sh\n([\s\S]*?)```/.exec(step);
  if (block === null) throw new Error('no sh block in the README step "Replay your data"');
  return block[1]
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function run(command: string): string {
  const shell = command.replace(/\bnpx udf-run\b/g, `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`);
  return execFileSync('bash', ['-o', 'pipefail', '-c', shell], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

describe('README tour: replay your data', () => {
  const commands = tourCommands();

  it('has the three commands, over the committed recording', () => {
    expect(commands).toHaveLength(3);
    expect(commands[0]).toContain('examples/moving-avg/recordings/cpu.srpl');
  });

  it('runs them and gets the pinned output, a snapshot, and the restored state', async () => {
    const lp = run(commands[0]);
    expect(lp).toBe(fs.readFileSync(path.join(RECORDINGS, 'cpu.expected.lp'), 'utf8'));

    const json = run(commands[1])
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(json).toHaveLength(lp.split('\n').filter(Boolean).length);
    expect(json[0]).toMatchObject({
      name: 'cpu',
      database: 'e2e',
      retentionPolicy: 'autogen',
      dimensions: { ByName: false, TagNames: ['host'] },
    });
    expect(fs.statSync('/tmp/avg.snapshot').size).toBeGreaterThan(0);

    // Host a's window held its last three values; the restored UDF slides it by one.
    const hostA: number[] = [];
    for await (const points of readStreamRecording(path.join(RECORDINGS, 'cpu.srpl'))) {
      for (const p of points) if (p.tags.host === 'a') hostA.push(p.fieldsDouble.usage_idle ?? Number(p.fieldsInt.usage_idle));
    }
    const [x, y] = hostA.slice(-2);
    const restored = run(commands[2]).trim();
    expect(restored).toBe(`cpu,host=a avg=${(x + y + 50) / 3} 1704067230000000000`);
  });
});
