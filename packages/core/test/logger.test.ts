import { childLogger, createLogger, type Logger } from '../src/logger';

function capture(level?: 'debug' | 'info' | 'warn' | 'error' | 'silent') {
  const lines: string[] = [];
  const logger = createLogger({ level, stream: { write: (l: string) => lines.push(l) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  test('one JSON object per line with time, level and message', () => {
    const { logger, lines, records } = capture();
    logger.info('hello', { taskID: 't1' });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(records()[0]).toMatchObject({ level: 'info', msg: 'hello', taskID: 't1' });
    expect(typeof records()[0].time).toBe('string');
  });

  test('levels below the minimum are dropped; silent drops everything', () => {
    const warn = capture('warn');
    warn.logger.debug('d');
    warn.logger.info('i');
    warn.logger.warn('w');
    warn.logger.error('e');
    expect(warn.records().map((r) => r.level)).toEqual(['warn', 'error']);
    const silent = capture('silent');
    silent.logger.error('e');
    expect(silent.lines).toEqual([]);
    const debug = capture('debug');
    debug.logger.debug('d');
    expect(debug.lines).toHaveLength(1);
  });

  test('child() adds fields to every line', () => {
    const { logger, records } = capture();
    const child = logger.child({ taskID: 't', nodeID: 'n' }).child!({ connection: 3 });
    child.warn('w', { extra: true });
    expect(records()[0]).toMatchObject({ taskID: 't', nodeID: 'n', connection: 3, extra: true, msg: 'w' });
  });

  test('bigints and errors are serialisable', () => {
    const { logger, records } = capture();
    const err = Object.assign(new Error('boom'), { code: 'ERR_X' });
    logger.error('failed', { time: 1700000000123456789n, err });
    expect(records()[0]).toMatchObject({ 'fields.time': '1700000000123456789', err: { message: 'boom', code: 'ERR_X', name: 'Error' } });
  });

  test("fields never override the line's own time, level and msg (kept as fields.<name>)", () => {
    const { logger, records } = capture();
    logger.child({ level: 'x' }).warn('real message', { time: '1', msg: 'fake' });
    const record = records()[0];
    expect(record).toMatchObject({ level: 'warn', msg: 'real message', 'fields.time': '1', 'fields.msg': 'fake', 'fields.level': 'x' });
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test('unknown level is a clear error', () => {
    expect(() => createLogger({ level: 'loud' as 'info' })).toThrow(/unknown log level "loud"/);
  });

  test('childLogger wraps loggers without child()', () => {
    const seen: unknown[] = [];
    const plain: Logger = {
      debug: () => undefined,
      info: (msg, fields) => seen.push({ msg, ...fields }),
      warn: () => undefined,
      error: () => undefined,
    };
    childLogger(plain, { conn: 1 }).info('x', { y: 2 });
    expect(seen).toEqual([{ msg: 'x', conn: 1, y: 2 }]);
  });
});
