import { IsOptional, Min } from 'class-validator';
import { ModuleLoadError } from '../src/errors';

/** What class-validator really throws when TC39 decorators call its decorator as a field decorator. */
function tc39ClassValidatorFailure(decorator: PropertyDecorator = Min(1)): unknown {
  try {
    (decorator as unknown as (value: undefined, context: object) => void)(undefined, { kind: 'field', name: 'size' });
  } catch (error) {
    return error;
  }
  throw new Error('class-validator accepted a TC39 field decorator call');
}

describe('ModuleLoadError advice', () => {
  it('explains a class-validator decorator under TC39 decorators', () => {
    const cause = tc39ClassValidatorFailure();
    expect(cause).toBeInstanceOf(TypeError);
    const error = new ModuleLoadError('dist/udf.js', 'package.json kapacitorUdf.modules', cause);
    expect(error.code).toBe('ERR_MODULE_LOAD');
    expect(error.message).toContain(`TypeError: ${(cause as Error).message}`);
    expect(error.message).toContain('Write it as @ValidateWith(Min(1))');
    expect(error.message).toContain('"experimentalDecorators": true');
    // A decorator that registers itself without ValidateBy fails in its own file.
    expect(new ModuleLoadError('x.js', 'test', tc39ClassValidatorFailure(IsOptional())).message).toContain('@ValidateWith');
  });

  it('adds nothing to other failures, TypeErrors included', () => {
    const other = new ModuleLoadError('dist/udf.js', 'test', new TypeError("Cannot read properties of undefined (reading 'constructor')"));
    expect(other.message).toBe(
      "could not load dist/udf.js (test):\n  TypeError: Cannot read properties of undefined (reading 'constructor')",
    );
  });
});
