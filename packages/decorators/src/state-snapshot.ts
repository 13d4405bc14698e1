/**
 * The automatic snapshot of `@State()` properties: a node:v8 serialized
 * envelope that records which UDF and which state version wrote it, so a
 * snapshot from another UDF or an incompatible version is refused with a clear
 * RestoreResponse error instead of corrupting the instance.
 */
import { deserialize, serialize } from 'node:v8';
import type { RestoreResponse } from '@kapacitor-udf/core';
import { describeError } from '@kapacitor-udf/core/internal';
import { abbreviate } from './abbreviate';
import { parseShape, shapeMismatch } from './declared-shape';
import type { UdfDefinition } from './definition';
import { outerKind, stateShape } from './state-shape';

const FORMAT = 'kapacitor-udf/state';
const FORMAT_VERSION = 1;

interface StateEnvelope {
  format: typeof FORMAT;
  formatVersion: number;
  udf: string;
  stateVersion: number;
  values: Record<string, unknown>;
  /**
   * The shape of each value when it was snapshotted (see state-shape.ts),
   * checked on Restore. Absent in snapshots of earlier releases: those get
   * the checks that need no record (kind of the initial value, no holes).
   */
  types?: Record<string, string>;
}

/** Serializes every @State property of `instance`. */
export function snapshotState(definition: UdfDefinition, instance: Record<string, unknown>): Buffer {
  const values: Record<string, unknown> = {};
  const types: Record<string, string> = {};
  for (const property of definition.state) {
    values[property] = instance[property];
    types[property] = stateShape(instance[property]);
  }
  const envelope: StateEnvelope = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    udf: definition.name,
    stateVersion: definition.stateVersion,
    values,
    types,
  };
  try {
    return serialize(envelope);
  } catch (error) {
    // Name the property that cannot be serialized (functions, class instances with private fields...).
    for (const property of definition.state) {
      try {
        serialize(values[property]);
      } catch (propertyError) {
        throw new Error(
          `cannot snapshot @State property ${definition.className}.${property}: ${describeError(propertyError)}; keep state as plain data (objects, arrays, Map, Set, bigint, Date)`,
        );
      }
    }
    throw error;
  }
}

/** Checks the envelope and assigns the saved values; a refusal is returned, not thrown. */
export function restoreState(definition: UdfDefinition, instance: Record<string, unknown>, snapshot: Uint8Array): RestoreResponse {
  if (snapshot.length === 0) return { success: true, error: '' };
  const refuse = (reason: string): RestoreResponse => ({
    success: false,
    error: `cannot restore ${definition.name}: ${reason}`,
  });
  let envelope: Partial<StateEnvelope>;
  try {
    envelope = deserialize(snapshot) as Partial<StateEnvelope>;
  } catch (error) {
    return refuse(`the snapshot could not be decoded (${describeError(error)}); it was not written by a @State() snapshot`);
  }
  if (typeof envelope !== 'object' || envelope === null || envelope.format !== FORMAT) {
    return refuse('the snapshot was not written by a @State() snapshot of @kapacitor-udf/decorators');
  }
  if (envelope.formatVersion !== FORMAT_VERSION) {
    return refuse(
      `the snapshot uses envelope format ${String(envelope.formatVersion)}, this version of @kapacitor-udf/decorators reads format ${FORMAT_VERSION}; upgrade the package`,
    );
  }
  if (envelope.udf !== definition.name) {
    return refuse(`the snapshot belongs to the UDF '${String(envelope.udf)}', not '${definition.name}'`);
  }
  if (envelope.stateVersion !== definition.stateVersion) {
    return refuse(
      `the snapshot has state version ${String(envelope.stateVersion)}, but this UDF is at state version ${definition.stateVersion} and cannot read it; ` +
        'run the UDF version that wrote it, or delete the task snapshot (e.g. redefine the task) to start from empty state',
    );
  }
  const values = envelope.values;
  if (typeof values !== 'object' || values === null) return refuse('the snapshot has no state values');
  const types = typeof envelope.types === 'object' && envelope.types !== null ? envelope.types : undefined;
  // Every value is checked before any is assigned: a refused restore leaves the instance as it was.
  const restored: string[] = [];
  for (const property of definition.state) {
    if (!Object.hasOwn(values, property)) continue;
    const problem =
      shapeProblem(property, values[property], instance[property], types?.[property]) ??
      declaredShapeProblem(definition, property, values[property]);
    if (problem !== undefined) return refuse(problem);
    restored.push(property);
  }
  for (const property of restored) instance[property] = values[property];
  return { success: true, error: '' };
}

/** Where a restored value departs from the property's `@State({ shape })`, if it declares one. */
function declaredShapeProblem(definition: UdfDefinition, property: string, value: unknown): string | undefined {
  const declared = definition.stateShapes?.[property];
  if (declared === undefined || value === null || value === undefined) return undefined;
  const mismatch = shapeMismatch(value, parseShape(declared, `@State ${definition.className}.${property}`));
  if (mismatch === undefined) return undefined;
  return `@State ${property} is declared as ${abbreviate(declared)} but in the snapshot ${property}${mismatch.startsWith('the value') ? mismatch.slice('the value'.length) : mismatch}; the snapshot is not from this UDF's code or is corrupt`;
}

/** Why a restored value cannot be used for `property`, or undefined when it can. */
function shapeProblem(property: string, value: unknown, initial: unknown, recorded: string | undefined): string | undefined {
  const shape = stateShape(value);
  if (shape.includes('sparse Array')) {
    return `@State ${property} holds an array with holes, which no snapshot of this UDF contains; the snapshot is corrupt`;
  }
  if (recorded !== undefined && recorded !== shape) {
    return `@State ${property} was snapshotted as ${abbreviate(String(recorded))} but the snapshot holds ${abbreviate(shape)}; the snapshot is corrupt`;
  }
  if (initial !== undefined && initial !== null) {
    const expected = outerKind(stateShape(initial));
    if (outerKind(shape) !== expected && shape !== 'null' && shape !== 'undefined') {
      return `@State ${property} is a ${expected} in this UDF but the snapshot holds ${abbreviate(shape)}; the snapshot is not from this UDF's code`;
    }
  }
  return undefined;
}
