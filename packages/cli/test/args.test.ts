import { parseCliArgs, parseDurationMs, parseMode, parseSize, parseWorkers } from '../src/args';
import { UsageError } from '../src/errors';

describe('parseCliArgs', () => {
  test('a name alone serves over stdio with defaults', () => {
    expect(parseCliArgs(['mirror'])).toEqual({
      command: 'run',
      name: 'mirror',
      modules: [],
      dir: undefined,
      socket: undefined,
      socketMode: undefined,
      shutdownTimeoutMs: undefined,
      maxMessageSize: undefined,
      handlerTimeoutMs: undefined,
      logLevel: 'info',
      ops: { watch: false },
    });
  });

  test('operations flags: --on-error, --metrics, --stats-interval, --watch', () => {
    const args = parseCliArgs([
      'm',
      '--socket',
      '/tmp/m.sock',
      '--on-error',
      'skip',
      '--metrics',
      'unix:/tmp/x.sock',
      '--stats-interval',
      '1m',
      '--watch',
    ]);
    expect(args.ops).toEqual({
      onError: 'skip',
      metrics: { kind: 'unix', path: '/tmp/x.sock' },
      metricsText: 'unix:/tmp/x.sock',
      statsIntervalMs: 60_000,
      watch: true,
    });
    expect(() => parseCliArgs(['m', '--watch'])).toThrow(/--watch only applies with --socket/);
    expect(() => parseCliArgs(['m', '--stats-interval', '10ms'])).toThrow(/at least 100ms/);
    expect(() => parseCliArgs(['m', '--metrics', 'nowhere'])).toThrow(UsageError);
  });

  test('socket options, repeated modules, tuning flags', () => {
    const args = parseCliArgs([
      'mirror',
      '--socket',
      '/tmp/m.sock',
      '--socket-mode',
      '0600',
      '--shutdown-timeout',
      '5s',
      '-m',
      'a.js',
      '--module',
      'b.mjs',
      '--max-message-size',
      '16MiB',
      '--handler-timeout',
      '2m',
      '--log-level',
      'debug',
    ]);
    expect(args).toMatchObject({
      command: 'run',
      socket: '/tmp/m.sock',
      socketMode: 0o600,
      shutdownTimeoutMs: 5000,
      modules: ['a.js', 'b.mjs'],
      maxMessageSize: 16 * 1024 * 1024,
      handlerTimeoutMs: 120_000,
      logLevel: 'debug',
    });
  });

  test('commands', () => {
    expect(parseCliArgs(['--list']).command).toBe('list');
    expect(parseCliArgs(['mirror', '--describe']).command).toBe('describe');
    expect(parseCliArgs(['--help']).command).toBe('help');
    expect(parseCliArgs(['-v']).command).toBe('version');
  });

  test.each([
    [[], 'which UDF should run?'],
    [['a', 'b'], 'expected one UDF name'],
    [['a', '--bogus'], "Unknown option '--bogus'"],
    [['a', '--log-level', 'loud'], '--log-level must be one of'],
    [['a', '--socket-mode', '600'], 'only applies with --socket'],
    [['--list', '--describe'], 'cannot be combined'],
    [['a', '--max-message-size', '0'], '--max-message-size must be between'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseCliArgs(argv as string[])).toThrow(message);
  });
});

describe('value parsers', () => {
  test('modes are octal', () => {
    expect(parseMode('660')).toBe(0o660);
    expect(parseMode('0o600')).toBe(0o600);
    expect(() => parseMode('rw')).toThrow('octal');
    expect(() => parseMode('1777')).toThrow('at most 777');
  });

  test('durations in ms, s, m, h', () => {
    expect(parseDurationMs('--x', '250')).toBe(250);
    expect(parseDurationMs('--x', '250ms')).toBe(250);
    expect(parseDurationMs('--x', '10s')).toBe(10_000);
    expect(parseDurationMs('--x', '1h')).toBe(3_600_000);
    expect(() => parseDurationMs('--x', '1.5s')).toThrow('--x must be a duration');
  });

  test('sizes with binary and decimal units', () => {
    expect(parseSize('--x', '1024')).toBe(1024);
    expect(parseSize('--x', '512k')).toBe(512 * 1024);
    expect(parseSize('--x', '1MB')).toBe(1_000_000);
    expect(parseSize('--x', '64MiB')).toBe(64 * 1024 * 1024);
    expect(() => parseSize('--x', '12 parsecs')).toThrow('--x must be a size');
  });

  test('--workers: a thread count from 1 to 256, only with --socket', () => {
    expect(parseCliArgs(['mirror', '--socket', '/tmp/m.sock', '--workers', '4']).workers).toBe(4);
    expect(parseCliArgs(['mirror', '--socket', '/tmp/m.sock']).workers).toBeUndefined();
    expect(parseWorkers('256')).toBe(256);
    for (const bad of ['0', '-1', '1.5', 'two', '257', ''])
      expect(() => parseWorkers(bad)).toThrow('--workers must be a number of threads');
    expect(() => parseCliArgs(['mirror', '--workers', '2'])).toThrow('--workers only applies with --socket');
  });
});
