import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Logger, silentLogger } from '@kapacitor-udf/core';
import { OnPoint, type Point, Udf, type UdfClass } from '@kapacitor-udf/decorators';
import { Reloader } from '../src/reload';
import { takeListenFd } from '../src/socket-activation';

function tempPackage(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reload-')));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'reload-fixture', version: '1.0.0' }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/**
 * Runs `script` in a plain node process with the built load-module.js:
 * under jest, require's cache and import() are jest's own, not Node's.
 */
function inNode(script: string): unknown {
  const loader = path.resolve(__dirname, '..', 'dist', 'load-module.js');
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      `const l = require(${JSON.stringify(loader)}); (async () => { ${script} })().then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out);
}

describe('loadModuleFile({ fresh })', () => {
  it('runs a CommonJS module and the files of its own package anew, not its dependencies', () => {
    const dir = tempPackage({
      'index.js': "module.exports = { value: require('./lib/value.js'), dep: require('dep') };",
      'lib/value.js': 'module.exports = 1;',
      'node_modules/dep/index.js': 'module.exports = { loadedAt: Math.random() };',
      'node_modules/dep/package.json': '{"name":"dep","main":"index.js"}',
    });
    try {
      const file = path.join(dir, 'index.js');
      const value = path.join(dir, 'lib', 'value.js');
      const result = inNode(`
        const fs = require('node:fs');
        const first = await l.loadModuleFile(${JSON.stringify(file)});
        fs.writeFileSync(${JSON.stringify(value)}, 'module.exports = 2;');
        const cached = await l.loadModuleFile(${JSON.stringify(file)});
        const second = await l.loadModuleFile(${JSON.stringify(file)}, { fresh: 1 });
        return { first: first.value, cached: cached.value, second: second.value, sameDep: first.dep === second.dep,
          forgotten: l.forgetOwnModules(${JSON.stringify(file)}).sort() };`);
      expect(result).toEqual({ first: 1, cached: 1, second: 2, sameDep: true, forgotten: [file, value] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports an ES module anew under a new URL', () => {
    const dir = tempPackage({ 'index.mjs': 'export const value = 1;' });
    try {
      const file = path.join(dir, 'index.mjs');
      const result = inNode(`
        const first = await l.loadModuleFile(${JSON.stringify(file)});
        require('node:fs').writeFileSync(${JSON.stringify(file)}, 'export const value = 2;');
        const second = await l.loadModuleFile(${JSON.stringify(file)}, { fresh: 1 });
        return [first.value, second.value];`);
      expect(result).toEqual([1, 2]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Reloader', () => {
  const target = { name: 'Mirror', file: '/x/mirror.js', exportName: 'Mirror', className: 'Mirror' };
  const log = (): Logger & { lines: string[] } => {
    const lines: string[] = [];
    const push = (msg: string, fields?: object) => lines.push(`${msg} ${JSON.stringify(fields ?? {})}`);
    return { lines, debug: push, info: push, warn: push, error: push };
  };

  it('applies the new class, and keeps the old code when loading fails or the UDF is gone', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Mirror {
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    @Udf({ wants: 'stream', provides: 'stream' })
    class Other {
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const applied: Array<[string, number]> = [];
    let next: () => Promise<unknown> = async () => Mirror;
    const logger = log();
    const reloader = new Reloader({
      target,
      logger,
      load: () => next() as Promise<UdfClass>,
      apply: async (cls, generation) => void applied.push([cls.name, generation]),
    });
    expect(await reloader.reload('SIGHUP')).toEqual({ ok: true, generation: 1 });
    next = async () => {
      throw new SyntaxError('Unexpected token }');
    };
    expect(await reloader.reload('SIGHUP')).toEqual({ ok: false, error: 'Unexpected token }' });
    next = async () => Other;
    expect(await reloader.reload('SIGHUP')).toMatchObject({ ok: false, error: expect.stringContaining('not "Mirror"') });
    expect(applied).toEqual([['Mirror', 1]]);
    expect(logger.lines.filter((l) => l.startsWith('reload failed'))).toHaveLength(2);
  });

  it('runs reloads one at a time, and folds those asked for meanwhile into one more', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Mirror {
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reloader = new Reloader({
      target,
      logger: silentLogger,
      load: async () => {
        loads++;
        await gate;
        return Mirror as unknown as UdfClass;
      },
      apply: async () => undefined,
    });
    const all = [reloader.reload('a'), reloader.reload('b'), reloader.reload('c')];
    release();
    const outcomes = await Promise.all(all);
    expect(loads).toBe(2);
    expect(outcomes.map((o) => o.ok && o.generation)).toEqual([1, 2, 2]);
  });
});

describe('takeListenFd', () => {
  it('ignores a missing LISTEN_FDS or one meant for another process', () => {
    expect(takeListenFd({}, 100)).toBeUndefined();
    const env: NodeJS.ProcessEnv = { LISTEN_FDS: '1', LISTEN_PID: '99' };
    expect(takeListenFd(env, 100)).toBeUndefined();
    expect(env.LISTEN_FDS).toBe('1');
  });

  it('refuses several sockets and a descriptor that is not a socket, and clears the variables', () => {
    const env: NodeJS.ProcessEnv = { LISTEN_FDS: '2', LISTEN_PID: '100' };
    expect(() => takeListenFd(env, 100)).toThrow(/passed 2 sockets/);
    expect(env.LISTEN_FDS).toBeUndefined();
    expect(() => takeListenFd({ LISTEN_FDS: 'x' }, 100)).toThrow(/number/);
    // Under jest, fd 3 is not a socket systemd passed (a pipe, a file, or closed).
    let error: unknown;
    try {
      takeListenFd({ LISTEN_FDS: '1', LISTEN_PID: '100' }, 100);
    } catch (err) {
      error = err;
    }
    if (error !== undefined) expect(error).toMatchObject({ code: 'ERR_SOCKET_ACTIVATION', exitCode: 2 });
  });
});
