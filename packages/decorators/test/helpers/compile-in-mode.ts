/**
 * Test helper: type-checks and compiles TypeScript sources the way a user's
 * project would, in either decorator mode, then runs them. The repository
 * itself compiles with `experimentalDecorators`, so this is how the tests see
 * what a project with TC39 decorators gets from tsc (errors such as TS1240)
 * and at run time.
 */
import * as path from 'node:path';
import * as ts from 'typescript';

export type DecoratorMode = 'legacy' | 'standard';
export const DECORATOR_MODES: readonly DecoratorMode[] = ['legacy', 'standard'];

const ROOT = path.resolve(__dirname, '../../../..');
// Virtual files live next to the tests so node_modules resolution (class-validator) works.
const VIRTUAL_DIR = path.join(__dirname, '..', '__compiled__');

export interface Diagnostic {
  readonly code: number;
  readonly line: number;
  readonly message: string;
}

export interface Compiled {
  /** Type errors of the given sources (not of the libraries they import). */
  readonly diagnostics: Diagnostic[];
  /** Runs the emitted module of `file` (as if it were loaded) and returns its exports. */
  run(file: string): Record<string, unknown>;
}

// Library and package sources parse the same in both modes: parse them once per test file.
const sourceCache = new Map<string, ts.SourceFile>();

function compilerOptions(mode: DecoratorMode, extra: ts.CompilerOptions): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    skipLibCheck: true,
    types: ['node'],
    experimentalDecorators: mode === 'legacy',
    baseUrl: ROOT,
    paths: {
      '@kapacitor-udf/core': ['packages/core/src'],
      '@kapacitor-udf/core/internal': ['packages/core/src/internal'],
      '@kapacitor-udf/decorators': ['packages/decorators/src'],
    },
    ...extra,
  };
}

/**
 * @param files file name (e.g. 'udf.ts') to source
 * @param modules what `require` returns for each import of the emitted code
 * @param extra more compiler options (e.g. emitDecoratorMetadata)
 */
export function compileInMode(
  mode: DecoratorMode,
  files: Readonly<Record<string, string>>,
  modules: Readonly<Record<string, unknown>>,
  extra: ts.CompilerOptions = {},
): Compiled {
  const options = compilerOptions(mode, extra);
  const virtual = new Map(Object.entries(files).map(([name, text]) => [path.join(VIRTUAL_DIR, name), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError) => {
    const text = virtual.get(name);
    if (text !== undefined) return ts.createSourceFile(name, text, language, true);
    const key = `${name}\0${JSON.stringify(language)}`;
    let cached = sourceCache.get(key);
    if (cached === undefined) {
      cached = getSourceFile.call(host, name, language, onError);
      if (cached !== undefined) sourceCache.set(key, cached);
    }
    return cached;
  };
  const outputs = new Map<string, string>();
  host.writeFile = (name, text) => outputs.set(name, text);
  const program = ts.createProgram([...virtual.keys()], options, host);

  const diagnostics: Diagnostic[] = [];
  for (const name of virtual.keys()) {
    const source = program.getSourceFile(name)!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      diagnostics.push({
        code: d.code,
        line: d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
    program.emit(source);
  }

  return {
    diagnostics,
    run(file: string): Record<string, unknown> {
      const js = outputs.get(path.join(VIRTUAL_DIR, file.replace(/\.ts$/, '.js')));
      if (js === undefined) throw new Error(`no output for ${file}`);
      const module = { exports: {} as Record<string, unknown> };
      const requireStub = (name: string): unknown => {
        if (name in modules) return modules[name];
        throw new Error(`unexpected import ${name}`);
      };
      new Function('require', 'module', 'exports', js)(requireStub, module, module.exports);
      return module.exports;
    },
  };
}
