import { UdfDefinitionError } from './errors';
import { declareMember, type PropertyDecorator } from './member';

/**
 * Makes a property part of the automatic snapshot: on SnapshotRequest every
 * `@State()` property is serialized (node:v8 structured serialization: plain
 * objects, arrays, Map, Set, bigint, Date, typed arrays) in a versioned
 * envelope, and restored on RestoreRequest. Class instances come back as plain
 * objects, so keep state as plain data.
 */
export function State(...misuse: unknown[]): PropertyDecorator {
  if (misuse.length > 0) throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', 'write @State() with parentheses');
  return function stateDecorator(...args: unknown[]): void {
    declareMember('@State', 'property', args, (declared, property) => {
      if (!declared.state.includes(property)) declared.state.push(property);
    });
  } as PropertyDecorator;
}
