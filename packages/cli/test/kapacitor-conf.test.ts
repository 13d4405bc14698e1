import * as path from 'node:path';
import { binPath, kapacitorConfSection } from '../src/kapacitor-conf';

describe('kapacitorConfSection', () => {
  test('process UDF: absolute node and udf-run, the run arguments, timeout', () => {
    const section = kapacitorConfSection({ name: 'movingAvg', runArgs: ['movingAvg', '--dir', '/srv/udfs'] });
    expect(section).toBe(
      [
        '[udf.functions.movingAvg]',
        `  prog = ${JSON.stringify(process.execPath)}`,
        `  args = [${JSON.stringify(binPath())}, "movingAvg", "--dir", "/srv/udfs"]`,
        '  timeout = "10s"',
      ].join('\n'),
    );
    expect(path.isAbsolute(binPath())).toBe(true);
  });

  test('socket UDF: the socket path and the command that starts the server', () => {
    const section = kapacitorConfSection({ name: 'mirror', runArgs: ['mirror', '--dir', '/srv/my udfs'], socketPath: '/tmp/mirror.sock' });
    expect(section).toContain(['[udf.functions.mirror]', '  socket = "/tmp/mirror.sock"', '  timeout = "10s"'].join('\n'));
    expect(section).toContain(`--dir '/srv/my udfs' --socket /tmp/mirror.sock`);
  });

  test('quotes and backslashes are escaped for TOML', () => {
    expect(kapacitorConfSection({ name: 'x', runArgs: ['x', '--dir', 'a"b\\c'] })).toContain('"a\\"b\\\\c"');
  });
});
