/**
 * Advice for module load failures whose own message does not say what to do.
 * The one known today: a class-validator decorator (`@Min(1)` ...) written on
 * a property of a class compiled with TC39 decorators. class-validator's
 * decorators are legacy decorators; called as TC39 field decorators they
 * receive `undefined` and throw a TypeError inside class-validator while the
 * class is being defined, before `@Udf` can run and explain.
 */
export function loadFailureHint(cause: unknown): string | undefined {
  if (!(cause instanceof Error) || cause.name !== 'TypeError') return undefined;
  const stack = cause.stack ?? '';
  // Its frames name node_modules/class-validator, or with source maps applied
  // (jest, --enable-source-maps) its sources: .../decorator/<group>/<Name>.ts.
  const fromClassValidator = /[\\/]class-validator[\\/]|[\\/]decorator[\\/][a-z]+[\\/][A-Za-z]+\.[jt]s:/.test(stack);
  if (fromClassValidator && /reading 'constructor'|undefined is not an object|Cannot read propert/.test(cause.message)) {
    return (
      'A class-validator decorator (e.g. @Min(1)) was applied under TC39 decorators, which class-validator does not support. ' +
      'Write it as @ValidateWith(Min(1)) or @Option({ ..., validate: [Min(1)] }) from @kapacitor-udf/decorators (works in both modes), ' +
      'or set "experimentalDecorators": true in tsconfig.json.'
    );
  }
  return undefined;
}
