/**
 * The TypeScript type an `@Option` delivers, computed from its settings, and
 * the decorator type that makes the compiler check the property against it in
 * both decorator modes. Types only: nothing here exists at run time.
 */

import type { OptionConfig, ValueTypeName } from './definition';
import type { Duration } from './duration';

/** The JavaScript type of one protocol value; `I` is the option's `int` setting. */
export type ValueOf<T extends ValueTypeName, I = undefined> = T extends 'int'
  ? I extends 'number'
    ? number
    : bigint
  : T extends 'double'
    ? number
    : T extends 'string'
      ? string
      : T extends 'bool'
        ? boolean
        : T extends 'duration'
          ? Duration
          : never;

type IntSetting<C> = C extends { int: infer I } ? I : undefined;

type TupleOf<Ts extends readonly ValueTypeName[], I> = { -readonly [K in keyof Ts]: ValueOf<Ts[K], I> };

/** The property types an `@Option()` without `type` can take its type from. */
export type InferableOptionValue = string | boolean | bigint | Duration;

/** Settings without `type`, `types` or `flag`: the type comes from the property (design types). */
type IsInferred<C> = C extends { flag: true } | { types: readonly unknown[] } | { type: ValueTypeName } ? false : true;

/** One occurrence of the option: a value, a tuple in declared order, or `true` for a flag. */
type OccurrenceOf<C> = C extends { flag: true }
  ? boolean
  : C extends { types: infer Ts extends readonly ValueTypeName[] }
    ? TupleOf<Ts, IntSetting<C>>
    : C extends { type: infer T extends ValueTypeName }
      ? ValueOf<T, IntSetting<C>>
      : InferableOptionValue;

/** What an `@Option` with settings `C` assigns: an array of occurrences when repeatable. */
export type OptionValueOf<C extends OptionConfig> = C extends { repeatable: true } ? Array<OccurrenceOf<C>> : OccurrenceOf<C>;

/**
 * The property types an option may be declared with: exactly the delivered
 * type, or (when it is not required, so the script may leave it unset and
 * there may be no default) that type or undefined: `field?: string`.
 */
export type OptionPropertyOf<C extends OptionConfig> = C extends { required: true } ? OptionValueOf<C> : OptionValueOf<C> | undefined;

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** True when a property of type `P` can hold what the option delivers, and nothing else. */
type Fits<P, V, Optional extends boolean> = Equal<P, V> extends true ? true : Optional extends true ? Equal<P, V | undefined> : false;

/** What the compiler shows when a property does not fit: the type the option delivers. */
export interface OptionTypeMismatch<V> {
  readonly 'the property must have the type the option delivers': V;
}

/** True for exactly one of the inferable types (a union of two has design type Object). */
type OneInferable<P> = [P] extends [never]
  ? false
  : [P] extends [string]
    ? true
    : [P] extends [boolean]
      ? true
      : [P] extends [bigint]
        ? true
        : [P] extends [Duration]
          ? true
          : false;

/** What the compiler shows when an `@Option()` without type is on a property whose type names none. */
export interface OptionTypeNotInferable {
  readonly 'give @Option a type: only a string, boolean, bigint or Duration property can leave it out': never;
}

type PropertyCheck<T, K, C extends OptionConfig> = K extends keyof T
  ? IsInferred<C> extends true
    ? OneInferable<C extends { required: true } ? T[K] : Exclude<T[K], undefined>> extends true
      ? K
      : OptionTypeNotInferable
    : Fits<T[K], OptionValueOf<C>, C extends { required: true } ? false : true> extends true
      ? K
      : OptionTypeMismatch<OptionPropertyOf<C>>
  : K; // a `private` property is not visible in the prototype's type: nothing to check

/** The value type a TC39 field or accessor context carries, `never` for anything else. */
type ContextValue<K> =
  K extends ClassFieldDecoratorContext<never, infer V> ? V : K extends ClassAccessorDecoratorContext<never, infer V> ? V : never;

/** A TC39 member context (field or accessor), not a legacy property key. */
type IsContext<K> = K extends ClassFieldDecoratorContext<never, unknown> | ClassAccessorDecoratorContext<never, unknown> ? true : false;

/**
 * The check of one decorator call, in either mode: legacy decorators are
 * called with the prototype and the property name, TC39 ones with
 * `undefined` (a field) or the accessor's target, and a context carrying the
 * member's type. `K` when the member fits, else the error type.
 */
type OptionCheck<T, K, C extends OptionConfig> =
  IsContext<K> extends true
    ? IsInferred<C> extends true
      ? OptionTypeNeedsDesignTypes
      : Fits<ContextValue<K>, OptionValueOf<C>, C extends { required: true } ? false : true> extends true
        ? K
        : OptionTypeMismatch<OptionPropertyOf<C>>
    : PropertyCheck<T, K, C>;

/** What the compiler shows for an `@Option()` without type under TC39 decorators. */
export interface OptionTypeNeedsDesignTypes {
  readonly "TC39 decorators record no design types: give @Option a type, e.g. { type: 'string' }": never;
}

/**
 * `@Option(...)` as the compiler sees it, in both decorator modes: one call
 * signature, so that a property of the wrong type gets one short error whose
 * first explaining line names the type the option delivers
 * (`... is not assignable to parameter of type 'OptionTypeMismatch<bigint | undefined>'`)
 * instead of a report on every overload. The two modes are told apart by the
 * second argument: a property name (legacy) or a context (TC39).
 */
export type OptionDecorator<C extends OptionConfig> = <T, K>(target: T, member: K & OptionCheck<T, K, C>) => void;
