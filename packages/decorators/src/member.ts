/**
 * Shared plumbing of the member decorators: they work both as legacy
 * (`experimentalDecorators`) and as TC39 standard decorators. The two are told
 * apart by their arguments: legacy member decorators get
 * `(prototype, key, descriptor?)`, standard ones `(value, context)` where
 * `context.kind` says what is decorated.
 */

import { UdfDefinitionError } from './errors';
import { type DeclaredMembers, ensureOwnRecord } from './metadata';

/** The subset of a TC39 decorator context this package reads. */
export interface StandardDecoratorContext {
  readonly kind: string;
  readonly name: string | symbol;
  readonly static?: boolean;
  readonly private?: boolean;
  readonly metadata?: object;
}

export function isStandardContext(value: unknown): value is StandardDecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && 'name' in value;
}

/** A decorator usable on a property, in either decorator mode. */
export interface PropertyDecorator {
  (target: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor): void;
  (value: undefined, context: ClassFieldDecoratorContext): void;
  (value: ClassAccessorDecoratorTarget<unknown, unknown>, context: ClassAccessorDecoratorContext): void;
}

type MemberKind = 'property' | 'method';

function describeKey(key: string | symbol): string {
  return typeof key === 'symbol' ? `[${key.description ?? 'symbol'}]` : key;
}

/**
 * Finds the declarations of the class a member decorator is applied to and
 * the member's name, checking the decorator sits on the right kind of member.
 */
export function declareMember(
  decorator: string,
  expected: MemberKind,
  args: readonly unknown[],
  add: (declared: DeclaredMembers, key: string) => void,
): void {
  const [first, second, third] = args;
  if (isStandardContext(second)) {
    const where = `${decorator} on ${describeKey(second.name)}`;
    const ok = expected === 'property' ? second.kind === 'field' || second.kind === 'accessor' : second.kind === 'method';
    if (!ok) {
      throw new UdfDefinitionError(
        'ERR_DECORATOR_PLACEMENT',
        `${where}: ${decorator} decorates a ${expected === 'property' ? 'property (field)' : 'method'}, not a ${second.kind}`,
      );
    }
    if (second.static || second.private || typeof second.name === 'symbol') {
      throw new UdfDefinitionError(
        'ERR_DECORATOR_PLACEMENT',
        `${where}: ${decorator} needs a public, non-static ${expected} with a string name`,
      );
    }
    if (second.metadata === undefined) {
      throw new UdfDefinitionError(
        'ERR_DECORATOR_PLACEMENT',
        `${where}: the decorator context has no metadata object; use TypeScript 5.2+ or enable experimentalDecorators`,
      );
    }
    add(ensureOwnRecord(second.metadata).declared, second.name);
    return;
  }

  // Legacy: (prototype, key, descriptor?) — a function target means a static member.
  const key = second;
  if (typeof key !== 'string' && typeof key !== 'symbol') {
    throw new UdfDefinitionError(
      'ERR_DECORATOR_PLACEMENT',
      `${decorator} decorates a ${expected} of a class; it was applied to something else (call it: ${decorator}())`,
    );
  }
  if (typeof first === 'function') {
    throw new UdfDefinitionError(
      'ERR_DECORATOR_PLACEMENT',
      `${decorator} on static ${first.name}.${describeKey(key)}: decorate an instance ${expected}, not a static one`,
    );
  }
  const cls = (first as { constructor?: unknown } | null)?.constructor;
  if (typeof cls !== 'function') {
    throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', `${decorator} decorates a ${expected} of a class`);
  }
  const where = `${decorator} on ${cls.name}.${describeKey(key)}`;
  if (typeof key === 'symbol') {
    throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', `${where}: give the ${expected} a string name`);
  }
  const descriptor = third as PropertyDescriptor | undefined;
  const isMethod = descriptor !== undefined && typeof descriptor.value === 'function';
  if (expected === 'method' && !isMethod) {
    throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', `${where}: ${decorator} decorates a method, not a property`);
  }
  if (expected === 'property' && isMethod) {
    throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', `${where}: ${decorator} decorates a property, not a method`);
  }
  add(ensureOwnRecord(cls).declared, key);
}
