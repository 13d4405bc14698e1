/**
 * The data model of a UDF declaration: what the decorators accept and the
 * validated definition they produce. A definition is plain, frozen data (no
 * functions, no class instances) so that another copy of this package in the
 * same process can read it.
 */

/** Kapacitor edge types, as the user writes them. */
export type EdgeName = 'stream' | 'batch';

/** The protocol's ValueType, one to one. */
export type ValueTypeName = 'bool' | 'int' | 'double' | 'string' | 'duration';

export const VALUE_TYPE_NAMES: readonly ValueTypeName[] = ['bool', 'int', 'double', 'string', 'duration'];
export const EDGE_NAMES: readonly EdgeName[] = ['stream', 'batch'];

/** Settings of `@Udf(...)`. */
export interface UdfConfig {
  /** What the UDF reads: lone points ('stream') or BeginBatch, points, EndBatch ('batch'). */
  wants: EdgeName;
  /** What the UDF writes. */
  provides: EdgeName;
  /** The name used in descriptions, TICKscript examples and snapshots. Default: the class name. */
  name?: string;
  description?: string;
  /**
   * Version of the `@State()` layout (default 1). Raise it when the state
   * properties change incompatibly: snapshots of another version are refused.
   */
  stateVersion?: number;
  /**
   * What a handler failure on one point or batch does (default 'fail').
   * 'fail': the task ends (an ErrorResponse, Kapacitor's semantics). 'skip':
   * a handler that throws, rejects or returns an invalid result for one
   * point or batch is logged and counted, its output dropped, and the task
   * goes on. udf-run's --on-error overrides it.
   */
  onError?: ErrorPolicy;
}

/** What a failing point or batch handler does to the task. */
export type ErrorPolicy = 'fail' | 'skip';
export const ERROR_POLICIES: readonly ErrorPolicy[] = ['fail', 'skip'];

/**
 * A class-validator property decorator such as `Min(1)` or `IsIn(['a', 'b'])`
 * (any legacy property decorator). It is recorded and applied by `@Udf`, which
 * is what makes it work under TC39 decorators too.
 */
export type PropertyValidator = (target: object, propertyName: string) => void;

/** Settings every option shape accepts. */
export interface OptionConfigBase {
  /** The TICKscript method name, when it differs from the property name (e.g. 'as'). */
  name?: string;
  description?: string;
  /** Init fails when the script does not set the option. */
  required?: boolean;
  /** May be given several times; the property becomes an array of the values in script order. */
  repeatable?: boolean;
  /** How 'int' values are delivered: 'bigint' (default, exact) or 'number' (only safe integers accepted). */
  int?: 'bigint' | 'number';
  /**
   * class-validator decorators checked at Init after the options were read,
   * e.g. `validate: [Min(1), Max(10)]`. Works in both decorator modes, unlike
   * `@Min(1)` written on the property, which needs `experimentalDecorators`.
   */
  validate?: readonly PropertyValidator[];
}

/** One value: `.size(10)`. */
export interface SingleOptionConfig extends OptionConfigBase {
  type: ValueTypeName;
}

/** Several values of possibly different types: `.field('name', 42.0)` is `types: ['string', 'double']`. */
export interface TupleOptionConfig extends OptionConfigBase {
  types: readonly ValueTypeName[];
}

/** No values: `.enabled()` sets the property to true. */
export interface FlagOptionConfig extends Omit<OptionConfigBase, 'required' | 'repeatable' | 'int'> {
  flag: true;
}

/**
 * No type: `@Option()` or `@Option({ description })`. The type is read from
 * the property's declared type (`string`, `boolean`, `bigint`, `Duration`),
 * which needs `experimentalDecorators` with `emitDecoratorMetadata` and
 * reflect-metadata loaded.
 */
export interface InferredOptionConfig extends Omit<OptionConfigBase, 'repeatable' | 'int'> {
  type?: undefined;
  types?: undefined;
  flag?: undefined;
}

export type OptionConfig = SingleOptionConfig | TupleOptionConfig | FlagOptionConfig | InferredOptionConfig;

export type OptionShape = 'single' | 'tuple' | 'flag';

/** A validated option. */
export interface OptionDefinition {
  /** The instance property the value is assigned to. */
  readonly property: string;
  /** The TICKscript name. */
  readonly name: string;
  readonly shape: OptionShape;
  /** Declared value types, in order (empty for a flag). */
  readonly valueTypes: readonly ValueTypeName[];
  readonly int: 'bigint' | 'number';
  readonly required: boolean;
  readonly repeatable: boolean;
  readonly description: string | undefined;
  /** The class whose decorator declared it (for messages). */
  readonly declaredIn: string;
}

/** What each handler decorator marks. */
export type HandlerKind = 'init' | 'point' | 'beginBatch' | 'endBatch' | 'batch' | 'snapshot' | 'restore' | 'stop';

export const HANDLER_DECORATOR_NAMES: Readonly<Record<HandlerKind, string>> = {
  init: '@OnInit',
  point: '@OnPoint',
  beginBatch: '@OnBeginBatch',
  endBatch: '@OnEndBatch',
  batch: '@OnBatch',
  snapshot: '@OnSnapshot',
  restore: '@OnRestore',
  stop: '@OnStop',
};

/** The validated definition of a UDF class (including what it inherits). */
export interface UdfDefinition {
  /** Layout version of this object, so two copies of the package can tell whether they agree. */
  readonly format: 1;
  readonly name: string;
  readonly className: string;
  readonly description: string | undefined;
  readonly wants: EdgeName;
  readonly provides: EdgeName;
  readonly stateVersion: number;
  /** The declared error policy. Absent in definitions of older copies of this package: read it as 'fail'. */
  readonly onError?: ErrorPolicy;
  /** In declaration order, base class options first. */
  readonly options: readonly OptionDefinition[];
  /** Method name per handler kind. */
  readonly handlers: Readonly<Partial<Record<HandlerKind, string>>>;
  /** Properties saved in the automatic snapshot. */
  readonly state: readonly string[];
  /**
   * `@State({ shape })` declarations, by property (checked on Restore).
   * Optional: definitions built by older copies of this package have none.
   */
  readonly stateShapes?: Readonly<Record<string, string>>;
}
