import { parseShape } from './declared-shape';
import { UdfDefinitionError } from './errors';
import { declareMember, type PropertyDecorator } from './member';

export interface StateOptions {
  /**
   * The shape every restored value must have, e.g. `'Map<string,Array<number>>'`
   * (see declared-shape.ts for the notation). A Restore whose value departs
   * from it anywhere is refused with a RestoreResponse naming where, and the
   * instance keeps its state. Without it, a Restore checks only that the
   * snapshot agrees with itself and with the outer kind of the initial value.
   */
  shape?: string;
}

/**
 * Makes a property part of the automatic snapshot: on SnapshotRequest every
 * `@State()` property is serialized (node:v8 structured serialization: plain
 * objects, arrays, Map, Set, bigint, Date, typed arrays) in a versioned
 * envelope, and restored on RestoreRequest. Class instances come back as plain
 * objects, so keep state as plain data.
 */
export function State(options?: StateOptions, ...misuse: unknown[]): PropertyDecorator {
  if (misuse.length > 0 || (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options)))) {
    throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', "write @State() with parentheses (or @State({ shape: 'Array<number>' }))");
  }
  const shape = options?.shape;
  if (shape !== undefined) {
    if (typeof shape !== 'string')
      throw new UdfDefinitionError('ERR_STATE_SHAPE', `@State({ shape }): shape must be a string, got ${typeof shape}`);
    parseShape(shape, '@State({ shape })');
  }
  return function stateDecorator(...args: unknown[]): void {
    declareMember('@State', 'property', args, (declared, property) => {
      if (!declared.state.includes(property)) declared.state.push(property);
      if (shape !== undefined) {
        // Records written by an older copy of this package have no stateShapes.
        (declared as { stateShapes?: Record<string, string> }).stateShapes ??= {};
        declared.stateShapes![property] = shape;
      }
    });
  } as PropertyDecorator;
}
