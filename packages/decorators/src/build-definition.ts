/**
 * Turns what the decorators of a class and its bases declared into a
 * validated `UdfDefinition`, or throws a `UdfDefinitionError` that names the
 * class and member and says how to fix it. Runs inside `@Udf`, which (with
 * legacy decorators) executes after all member decorators of the class.
 */
import {
  EDGE_NAMES,
  ERROR_POLICIES,
  HANDLER_DECORATOR_NAMES,
  type HandlerKind,
  type OptionDefinition,
  type OptionShape,
  type UdfConfig,
  type UdfDefinition,
  VALUE_TYPE_NAMES,
  type ValueTypeName,
} from './definition';
import { optionTypeFromDesign } from './design-type';
import { UdfDefinitionError } from './errors';
import type { DeclaredMembers, DeclaredOption } from './metadata';

/** TICKscript identifiers: what may follow `@` or `.` in a script. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const UDF_CONFIG_KEYS = new Set(['wants', 'provides', 'name', 'description', 'stateVersion', 'onError']);
const OPTION_CONFIG_KEYS = new Set(['type', 'types', 'flag', 'name', 'description', 'required', 'repeatable', 'int', 'validate']);

const fail = (code: ConstructorParameters<typeof UdfDefinitionError>[0], message: string): never => {
  throw new UdfDefinitionError(code, message);
};

function checkUdfConfig(
  className: string,
  config: UdfConfig,
): Required<Omit<UdfConfig, 'description'>> & {
  description: string | undefined;
} {
  const where = `@Udf on ${className}`;
  if (typeof config !== 'object' || config === null) {
    fail('ERR_UDF_CONFIG', `${where}: give the settings, e.g. @Udf({ wants: 'stream', provides: 'stream' })`);
  }
  for (const key of Object.keys(config)) {
    if (!UDF_CONFIG_KEYS.has(key)) {
      fail('ERR_UDF_CONFIG', `${where}: unknown setting '${key}' (known: ${[...UDF_CONFIG_KEYS].join(', ')})`);
    }
  }
  for (const edge of ['wants', 'provides'] as const) {
    if (!EDGE_NAMES.includes(config[edge])) {
      fail('ERR_UDF_CONFIG', `${where}: '${edge}' must be 'stream' or 'batch', got ${JSON.stringify(config[edge])}`);
    }
  }
  const name = config.name ?? className;
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    fail(
      'ERR_UDF_CONFIG',
      `${where}: the UDF name ${JSON.stringify(name)} is not a TICKscript identifier (letters, digits, _; not starting with a digit); set @Udf({ name })`,
    );
  }
  const stateVersion = config.stateVersion ?? 1;
  if (!Number.isSafeInteger(stateVersion) || stateVersion < 1) {
    fail('ERR_UDF_CONFIG', `${where}: stateVersion must be a positive integer, got ${String(stateVersion)}`);
  }
  if (config.description !== undefined && typeof config.description !== 'string') {
    fail('ERR_UDF_CONFIG', `${where}: description must be a string`);
  }
  const onError = config.onError ?? 'fail';
  if (!ERROR_POLICIES.includes(onError)) {
    fail('ERR_UDF_CONFIG', `${where}: onError must be 'fail' or 'skip', got ${JSON.stringify(config.onError)}`);
  }
  return { wants: config.wants, provides: config.provides, name, stateVersion, onError, description: config.description };
}

function checkValueTypes(where: string, types: unknown): ValueTypeName[] {
  if (!Array.isArray(types)) return fail('ERR_OPTION_INVALID', `${where}: 'types' must be an array of value types`);
  if (types.length === 0) {
    fail('ERR_OPTION_INVALID', `${where}: 'types' is empty; for an option without values use { flag: true }`);
  }
  for (const t of types) {
    if (!VALUE_TYPE_NAMES.includes(t)) {
      fail('ERR_OPTION_INVALID', `${where}: unknown value type ${JSON.stringify(t)} (use one of ${VALUE_TYPE_NAMES.join(', ')})`);
    }
  }
  return types as ValueTypeName[];
}

/**
 * @param prototype the declaring class's prototype, where design types are
 *                  recorded (undefined: none to look at)
 */
function checkOption(className: string, declared: DeclaredOption, prototype: object | undefined): OptionDefinition {
  const { property } = declared;
  const where = `@Option on ${className}.${property}`;
  // `@Option()` has no settings at all: the type can only come from the design type.
  const config = declared.config === undefined ? {} : declared.config;
  if (typeof config !== 'object' || config === null) {
    return fail('ERR_OPTION_NO_TYPE', `${where}: give the settings, e.g. @Option({ type: 'string' })`);
  }
  for (const key of Object.keys(config)) {
    if (!OPTION_CONFIG_KEYS.has(key)) {
      fail('ERR_OPTION_INVALID', `${where}: unknown setting '${key}' (known: ${[...OPTION_CONFIG_KEYS].join(', ')})`);
    }
  }
  const c = config as unknown as Partial<Record<string, unknown>>;
  const shapes: OptionShape[] = [];
  if (c.type !== undefined) shapes.push('single');
  if (c.types !== undefined) shapes.push('tuple');
  if (c.flag !== undefined && c.flag !== false) shapes.push('flag');
  let designed: ValueTypeName | undefined;
  if (shapes.length === 0) {
    const answer = prototype === undefined ? undefined : optionTypeFromDesign(prototype, property);
    if (answer === undefined) {
      fail(
        'ERR_OPTION_NO_TYPE',
        `${where}: the option has no type; give { type: 'int' } for one value, { types: ['string', 'double'] } for several, or { flag: true } for none (a string, boolean, bigint or Duration property may leave it out with emitDecoratorMetadata and reflect-metadata)`,
      );
    } else if ('problem' in answer) {
      fail('ERR_OPTION_NO_TYPE', `${where}: the option has no type and ${answer.problem}`);
    } else {
      designed = answer.type;
      shapes.push('single');
    }
  }
  if (shapes.length > 1) {
    fail('ERR_OPTION_CONFLICTING_SHAPE', `${where}: use only one of 'type', 'types' and 'flag'`);
  }
  const shape = shapes[0];
  let valueTypes: ValueTypeName[] = [];
  if (shape === 'single') valueTypes = checkValueTypes(where, [c.type ?? designed]);
  if (shape === 'tuple') valueTypes = checkValueTypes(where, c.types);
  if (shape === 'flag') {
    if (c.flag !== true) fail('ERR_OPTION_INVALID', `${where}: 'flag' must be true`);
    for (const key of ['required', 'repeatable', 'int'] as const) {
      if (c[key] !== undefined) {
        fail(
          'ERR_OPTION_INVALID',
          `${where}: a flag cannot be '${key}' (it is either given or not; its default is the property initializer)`,
        );
      }
    }
  }
  if (c.int !== undefined) {
    if (c.int !== 'bigint' && c.int !== 'number') {
      fail('ERR_OPTION_INVALID', `${where}: 'int' must be 'bigint' or 'number', got ${JSON.stringify(c.int)}`);
    }
    if (!valueTypes.includes('int')) fail('ERR_OPTION_INVALID', `${where}: 'int' applies only to options with an 'int' value`);
  }
  for (const key of ['required', 'repeatable'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean') fail('ERR_OPTION_INVALID', `${where}: '${key}' must be a boolean`);
  }
  if (c.validate !== undefined && !Array.isArray(c.validate)) {
    fail('ERR_OPTION_INVALID', `${where}: 'validate' must be an array of class-validator decorators, e.g. validate: [Min(1)]`);
  }
  if (c.description !== undefined && typeof c.description !== 'string') {
    fail('ERR_OPTION_INVALID', `${where}: 'description' must be a string`);
  }
  const name = c.name ?? property;
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    fail(
      'ERR_OPTION_INVALID',
      `${where}: the option name ${JSON.stringify(name)} is not a TICKscript identifier (letters, digits, _; not starting with a digit); set { name: '...' }`,
    );
  }
  return Object.freeze({
    property,
    name: name as string,
    shape,
    valueTypes: Object.freeze(valueTypes),
    int: (c.int as 'bigint' | 'number' | undefined) ?? 'bigint',
    required: c.required === true,
    repeatable: c.repeatable === true,
    description: c.description as string | undefined,
    declaredIn: className,
  });
}

const BATCH_KINDS: readonly HandlerKind[] = ['batch', 'beginBatch', 'endBatch'];
const DATA_KINDS: readonly HandlerKind[] = ['point', 'batch', 'beginBatch', 'endBatch'];

/**
 * @param cls the class being decorated (its prototype must have the handler methods)
 * @param chain declarations of the class and its bases, base first
 */
export function buildDefinition(
  cls: Function,
  config: UdfConfig,
  chain: ReadonlyArray<{ readonly cls?: Function; readonly className: string; readonly declared: DeclaredMembers }>,
): UdfDefinition {
  const className = cls.name || '(anonymous class)';
  const udf = checkUdfConfig(className, config);

  // Merge base -> derived: a subclass redeclaring a property or handler kind overrides it.
  const options = new Map<string, OptionDefinition>();
  const handlers = new Map<HandlerKind, { method: string; className: string }>();
  const state = new Set<string>();
  const stateShapes: Record<string, string> = {};
  for (const { cls: declaringClass, className: declaredIn, declared } of chain) {
    const ownOptions = new Set<string>();
    for (const option of declared.options) {
      if (ownOptions.has(option.property)) {
        fail('ERR_DUPLICATE_OPTION', `${declaredIn}.${option.property} has two @Option decorators; keep one`);
      }
      ownOptions.add(option.property);
      options.set(option.property, checkOption(declaredIn, option, declaringClass?.prototype as object | undefined));
    }
    const ownKinds = new Map<HandlerKind, string>();
    for (const { kind, method } of declared.handlers) {
      const other = ownKinds.get(kind);
      if (other !== undefined) {
        fail(
          'ERR_DUPLICATE_HANDLER',
          `${declaredIn} has two ${HANDLER_DECORATOR_NAMES[kind]} handlers (${other} and ${method}); a UDF has at most one of each`,
        );
      }
      ownKinds.set(kind, method);
      handlers.set(kind, { method, className: declaredIn });
    }
    for (const property of declared.state) {
      state.add(property);
      const shape = declared.stateShapes?.[property];
      if (shape !== undefined) stateShapes[property] = shape;
      else delete stateShapes[property];
    }
  }

  const byName = new Map<string, OptionDefinition>();
  for (const option of options.values()) {
    const other = byName.get(option.name);
    if (other !== undefined) {
      fail(
        'ERR_DUPLICATE_OPTION',
        `${className}: option name '${option.name}' is used by both ${other.declaredIn}.${other.property} and ${option.declaredIn}.${option.property}; give one of them another { name }`,
      );
    }
    byName.set(option.name, option);
    if (state.has(option.property)) {
      fail(
        'ERR_OPTION_IS_STATE',
        `${className}.${option.property} is both an @Option and @State; options come from the script at Init, keep state in a separate property`,
      );
    }
  }

  const has = (kind: HandlerKind) => handlers.has(kind);
  const names = (kinds: readonly HandlerKind[]) =>
    kinds
      .filter(has)
      .map((k) => `${HANDLER_DECORATOR_NAMES[k]} ${handlers.get(k)!.method}`)
      .join(', ');
  if (udf.wants === 'stream' && BATCH_KINDS.some(has)) {
    fail(
      'ERR_BATCH_HANDLER_ON_STREAM',
      `${className} wants 'stream' but declares batch handlers (${names(BATCH_KINDS)}); a stream input has no batches: use @OnPoint, or set wants: 'batch'`,
    );
  }
  if (has('batch') && (has('point') || has('beginBatch') || has('endBatch'))) {
    fail(
      'ERR_HANDLER_CONFLICT',
      `${className} declares @OnBatch together with ${names(['point', 'beginBatch', 'endBatch'])}; @OnBatch receives the whole batch, so use either it or the per-message handlers`,
    );
  }
  if (!DATA_KINDS.some(has)) {
    fail(
      'ERR_NO_DATA_HANDLER',
      udf.wants === 'stream'
        ? `${className} has no @OnPoint handler: it would ignore all input; add one`
        : `${className} has no data handler: add @OnBatch, or @OnPoint (with @OnBeginBatch / @OnEndBatch if needed)`,
    );
  }
  if (has('snapshot') !== has('restore')) {
    const [present, missing] = has('snapshot') ? ['@OnSnapshot', '@OnRestore'] : ['@OnRestore', '@OnSnapshot'];
    fail(
      'ERR_SNAPSHOT_RESTORE_PAIR',
      `${className} declares ${present} without ${missing}; write both, or use @State() properties instead`,
    );
  }
  if (state.size > 0 && (has('snapshot') || has('restore'))) {
    fail(
      'ERR_STATE_WITH_CUSTOM_SNAPSHOT',
      `${className} declares @State() properties (${[...state].join(', ')}) and its own ${names(['snapshot', 'restore'])}; use one: either @State() (automatic snapshot) or your own @OnSnapshot/@OnRestore`,
    );
  }
  for (const [kind, { method, className: declaredIn }] of handlers) {
    if (typeof (cls.prototype as Record<string, unknown>)[method] !== 'function') {
      fail('ERR_DECORATOR_PLACEMENT', `${declaredIn}.${method} (${HANDLER_DECORATOR_NAMES[kind]}) is not a method`);
    }
  }

  const handlerMethods: Partial<Record<HandlerKind, string>> = {};
  for (const [kind, { method }] of handlers) handlerMethods[kind] = method;
  return Object.freeze({
    format: 1,
    name: udf.name,
    className,
    description: udf.description,
    wants: udf.wants,
    provides: udf.provides,
    stateVersion: udf.stateVersion,
    onError: udf.onError,
    options: Object.freeze([...options.values()]),
    handlers: Object.freeze(handlerMethods),
    state: Object.freeze([...state]),
    stateShapes: Object.freeze(stateShapes),
  });
}
