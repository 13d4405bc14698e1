/**
 * Where declarations live: an own, non-enumerable property of each decorated
 * class under a registry symbol. There is no global store; a class carries its
 * own metadata, subclasses get their own record (inheritance is resolved by
 * walking the prototype chain), and because the key comes from
 * `Symbol.for`, two copies of this package in one process read each other's
 * classes.
 */
import type { HandlerKind, OptionConfig, PropertyValidator, UdfDefinition } from './definition';
import { UdfDefinitionError } from './errors';

export const DEFINITION_KEY: unique symbol = Symbol.for('kapacitor-udf.definition') as never;

// TC39 standard decorators share data between member and class decorators via
// `context.metadata`, which TypeScript only creates when `Symbol.metadata`
// exists. Node 20 does not define it yet; this is the polyfill TypeScript
// documents (it must run before a decorated class is defined, which importing
// the decorators guarantees).
(Symbol as unknown as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata');

export interface DeclaredOption {
  readonly property: string;
  readonly config: OptionConfig;
}

export interface DeclaredHandler {
  readonly kind: HandlerKind;
  readonly method: string;
}

/** class-validator decorators recorded by `@ValidateWith` or `@Option({ validate })`. */
export interface DeclaredValidators {
  readonly property: string;
  readonly validators: readonly PropertyValidator[];
}

/** What the decorators of one class (not its bases) declared, in decoration order. */
export interface DeclaredMembers {
  readonly options: DeclaredOption[];
  readonly handlers: DeclaredHandler[];
  readonly state: string[];
  /** `@State({ shape })` per property. Optional: records written by older copies of this package have none. */
  readonly stateShapes?: Record<string, string>;
  /** Optional: records written by older copies of this package have none. */
  readonly validators?: DeclaredValidators[];
}

/** The record stored on each class. */
export interface ClassRecord {
  readonly format: 1;
  readonly declared: DeclaredMembers;
  /** Set by `@Udf`: only classes with it are runnable UDFs. */
  definition?: UdfDefinition;
  /**
   * Set once the recorded class-validator decorators were applied to the
   * class's prototype, so a base class shared by several UDFs gets them once
   * (class-validator would otherwise report each failure twice).
   */
  validatorsApplied?: boolean;
}

function emptyRecord(): ClassRecord {
  return { format: 1, declared: { options: [], handlers: [], state: [], validators: [], stateShapes: {} } };
}

export function ownRecordOf(holder: object): ClassRecord | undefined {
  if (!Object.hasOwn(holder, DEFINITION_KEY)) return undefined;
  const record = (holder as Record<symbol, unknown>)[DEFINITION_KEY] as ClassRecord | undefined;
  return record && record.format === 1 ? record : undefined;
}

/** The record owned by `holder` (a class, or a standard decorator metadata object), created on demand. */
export function ensureOwnRecord(holder: object): ClassRecord {
  let record = ownRecordOf(holder);
  if (record === undefined) {
    if (Object.hasOwn(holder, DEFINITION_KEY)) {
      throw new UdfDefinitionError(
        'ERR_UDF_CONFIG',
        'this class was decorated by an incompatible version of @kapacitor-udf/decorators: use one version throughout',
      );
    }
    record = emptyRecord();
    Object.defineProperty(holder, DEFINITION_KEY, {
      value: record,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return record;
}

/** The own record of a class, also looking at standard-decorator metadata of classes without `@Udf`. */
export function ownRecord(cls: Function): ClassRecord | undefined {
  const record = ownRecordOf(cls);
  if (record !== undefined) return record;
  const metaKey = (Symbol as unknown as { metadata?: symbol }).metadata;
  if (metaKey !== undefined && Object.hasOwn(cls, metaKey)) {
    const meta = (cls as unknown as Record<symbol, unknown>)[metaKey];
    if (typeof meta === 'object' && meta !== null) return ownRecordOf(meta);
  }
  return undefined;
}

export interface ChainLink {
  readonly cls: Function;
  readonly className: string;
  readonly record: ClassRecord;
  readonly declared: DeclaredMembers;
}

/** The class and its bases, base first, each with what its own decorators declared. */
export function declarationChain(cls: Function): ChainLink[] {
  const chain: ChainLink[] = [];
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const record = ownRecord(c);
    if (record !== undefined) {
      chain.push({ cls: c, className: c.name || '(anonymous class)', record, declared: record.declared });
    }
  }
  return chain.reverse();
}

/** A class decorated with `@Udf` (by any copy of this package). */
export type UdfClass<T extends object = object> = (new () => T) & { readonly [DEFINITION_KEY]?: ClassRecord };

/** True when `value` is a class decorated with `@Udf` (its own decorator, not only a base class's). */
export function isUdfClass(value: unknown): value is UdfClass {
  if (typeof value !== 'function') return false;
  return ownRecordOf(value)?.definition?.format === 1;
}

/** The validated definition of a UDF class; throws `ERR_NOT_A_UDF_CLASS` for anything else. */
export function getUdfDefinition(cls: unknown): UdfDefinition {
  if (typeof cls === 'function') {
    const definition = ownRecordOf(cls)?.definition;
    if (definition?.format === 1) return definition;
    if (definition === undefined) {
      const base = Object.getPrototypeOf(cls);
      const hint =
        typeof base === 'function' && isUdfClass(base)
          ? ` It extends the UDF class ${base.name}: decorate the subclass with @Udf({...}) too.`
          : ' Decorate it with @Udf({ wants, provides }).';
      throw new UdfDefinitionError('ERR_NOT_A_UDF_CLASS', `${cls.name || 'this class'} is not a UDF class.${hint}`);
    }
  }
  throw new UdfDefinitionError(
    'ERR_NOT_A_UDF_CLASS',
    `expected a class decorated with @Udf({ wants, provides }), got ${typeof cls === 'function' ? 'a class from an incompatible package version' : typeof cls}`,
  );
}
