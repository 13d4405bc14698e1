/**
 * The TypeScript type an `@Option` delivers, computed from its settings, and
 * the decorator type that makes the compiler check the property against it in
 * both decorator modes. Types only: nothing here exists at run time.
 */
import type { Duration } from './duration';
import type { OptionConfig, ValueTypeName } from './definition';

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

/** One occurrence of the option: a value, a tuple in declared order, or `true` for a flag. */
type OccurrenceOf<C> = C extends { flag: true }
  ? boolean
  : C extends { types: infer Ts extends readonly ValueTypeName[] }
    ? TupleOf<Ts, IntSetting<C>>
    : C extends { type: infer T extends ValueTypeName }
      ? ValueOf<T, IntSetting<C>>
      : never;

/** What an `@Option` with settings `C` assigns: an array of occurrences when repeatable. */
export type OptionValueOf<C extends OptionConfig> = C extends { repeatable: true } ? Array<OccurrenceOf<C>> : OccurrenceOf<C>;

/**
 * The property types an option may be declared with: exactly the delivered
 * type, or (when it is not required, so the script may leave it unset and
 * there may be no default) that type or undefined: `field?: string`.
 */
export type OptionPropertyOf<C extends OptionConfig> = C extends { required: true }
  ? OptionValueOf<C>
  : OptionValueOf<C> | undefined;

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** True when a property of type `P` can hold what the option delivers, and nothing else. */
type Fits<P, V, Optional extends boolean> = Equal<P, V> extends true
  ? true
  : Optional extends true
    ? Equal<P, V | undefined>
    : false;

/** What the compiler shows when a property does not fit: the type the option delivers. */
export interface OptionTypeMismatch<V> {
  readonly 'the property must have the type the option delivers': V;
}

type PropertyCheck<T, K, C extends OptionConfig> = K extends keyof T
  ? Fits<T[K], OptionValueOf<C>, C extends { required: true } ? false : true> extends true
    ? K
    : OptionTypeMismatch<OptionPropertyOf<C>>
  : K; // a `private` property is not visible in the prototype's type: nothing to check

/**
 * `@Option(...)` as the compiler sees it. Legacy mode: called with the
 * prototype and the property name, the property's type is looked up and
 * compared. TC39 mode: the field's type is the context's `Value`, which must
 * be the delivered type (or it or undefined for an option that is not required).
 */
export interface OptionDecorator<C extends OptionConfig> {
  <T extends object, K extends string | symbol>(target: T, propertyKey: PropertyCheck<T, K, C>): void;
  (value: undefined, context: ClassFieldDecoratorContext<unknown, OptionPropertyOf<C>> | ClassFieldDecoratorContext<unknown, OptionValueOf<C>>): void;
  (
    value: ClassAccessorDecoratorTarget<unknown, OptionPropertyOf<C>>,
    context: ClassAccessorDecoratorContext<unknown, OptionPropertyOf<C>>,
  ): void;
}
