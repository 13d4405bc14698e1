import { parseArgs, ScaffoldError } from '../src';

function usageError(argv: string[]): ScaffoldError {
  try {
    parseArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ScaffoldError);
    expect((err as ScaffoldError).code).toBe('ERR_USAGE');
    expect((err as ScaffoldError).exitCode).toBe(2);
    return err as ScaffoldError;
  }
  throw new Error(`parseArgs(${JSON.stringify(argv)}) did not fail`);
}

describe('parseArgs', () => {
  it('takes the directory, --name and --force', () => {
    expect(parseArgs(['my-udfs'])).toEqual({ command: 'create', dir: 'my-udfs', force: false });
    expect(parseArgs(['--force', 'x', '--name', '@acme/udfs'])).toEqual({ command: 'create', dir: 'x', name: '@acme/udfs', force: true });
    expect(parseArgs(['x', '--name=udfs', '-f'])).toEqual({ command: 'create', dir: 'x', name: 'udfs', force: true });
    expect(parseArgs(['--', '--odd-dir'])).toEqual({ command: 'create', dir: '--odd-dir', force: false });
  });

  it('takes --from, the clone to take the framework packages from', () => {
    expect(parseArgs(['../my-udfs', '--from', '.'])).toEqual({ command: 'create', dir: '../my-udfs', from: '.', force: false });
    expect(parseArgs(['--from=/src/kapacitor-udf', 'x'])).toEqual({
      command: 'create',
      dir: 'x',
      from: '/src/kapacitor-udf',
      force: false,
    });
  });

  it('answers --help and --version', () => {
    expect(parseArgs(['x', '--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['-h'])).toEqual({ command: 'help' });
    expect(parseArgs(['-v'])).toEqual({ command: 'version' });
  });

  it('refuses a wrong command line, saying what to do', () => {
    expect(usageError([]).message).toMatch(/npm create kapacitor-udf my-udfs/);
    expect(usageError(['a', 'b']).message).toMatch(/one directory only/);
    expect(usageError(['a', '--name']).message).toMatch(/--name needs a value/);
    expect(usageError(['a', '--name=']).message).toMatch(/--name needs a value/);
    expect(usageError(['a', '--name', 'x', '--name', 'y']).message).toMatch(/twice/);
    expect(usageError(['a', '--template', 'x']).message).toMatch(/unknown option --template/);
    expect(usageError(['a', '--bogus']).message).toMatch(/--help/);
    expect(usageError(['a', '--from']).message).toMatch(/--from needs a value/);
    expect(usageError(['a', '--from=']).message).toMatch(/--from needs a value/);
    expect(usageError(['a', '--from', 'x', '--from', 'y']).message).toMatch(/--from is given twice/);
    expect(usageError(['a', '--force=yes']).message).toMatch(/--force takes no value/);
  });
});
