import type { Logger, LogLevel } from '../src/logger';
import { rateLimitedLogger } from '../src/rate-limited-logger';

function recorder(): Logger & { lines: Array<{ level: LogLevel; msg: string; fields?: object }> } {
  const lines: Array<{ level: LogLevel; msg: string; fields?: object }> = [];
  const at = (level: LogLevel) => (msg: string, fields?: object) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

test('at most perKind lines of a kind, then one line with the count of the suppressed ones', () => {
  const base = recorder();
  const log = rateLimitedLogger(base, { perKind: 3, total: 100, windowMs: 60_000 });
  for (let i = 0; i < 1000; i++) log.warn('empty frame', { i });
  log.info('another kind');
  expect(base.lines).toHaveLength(4);
  log.flush();
  expect(base.lines).toHaveLength(5);
  expect(base.lines[4]).toEqual({
    level: 'warn',
    msg: expect.stringMatching(/^997 more log lines like this were suppressed .*: empty frame$/),
    fields: { suppressed: 997 },
  });
  log.flush(); // nothing more to report
  expect(base.lines).toHaveLength(5);
});

test('a limit for all kinds together: messages that differ every time are limited as well', () => {
  const base = recorder();
  const log = rateLimitedLogger(base, { perKind: 5, total: 10, windowMs: 60_000 });
  for (let i = 0; i < 5000; i++) log.warn(`bad point at ${i}`);
  expect(base.lines).toHaveLength(10);
  log.flush();
  const reports = base.lines.slice(10);
  // The kinds tracked one by one are bounded; the rest share one count.
  expect(reports.length).toBeLessThanOrEqual(257);
  expect(reports.reduce((n, l) => n + (l.fields as { suppressed: number }).suppressed, 0)).toBe(4990);
});

test('the count is reported when the window ends, and a new window writes again', async () => {
  const base = recorder();
  const log = rateLimitedLogger(base, { perKind: 2, total: 10, windowMs: 100 });
  for (let i = 0; i < 10; i++) log.error('boom');
  expect(base.lines).toHaveLength(2);
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(base.lines).toHaveLength(3);
  expect(base.lines[2].msg).toMatch(/^8 more log lines like this/);
  log.error('boom');
  expect(base.lines).toHaveLength(4);
  log.flush();
});
