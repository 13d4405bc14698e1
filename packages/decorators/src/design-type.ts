/**
 * The option type of an `@Option()` without `type`, read from the property's
 * declared TypeScript type. TypeScript records it only with
 * `emitDecoratorMetadata` (legacy decorators) as `design:type` metadata, which
 * the `__metadata` helper stores through the reflect-metadata API when the
 * user has loaded it (`import 'reflect-metadata'`). Tools that emit no design
 * types (TC39 decorators, esbuild, swc, tsx) leave nothing here, and an
 * explicit `type` is needed.
 */
import type { ValueTypeName } from './definition';
import { Duration } from './duration';

type MetadataReader = (key: string, target: object, property: string) => unknown;

/** What the property's design type says about the option's type. */
export type DesignTypeAnswer =
  | { readonly type: ValueTypeName }
  /** A design type exists but names no single option type: the message says what to write. */
  | { readonly problem: string }
  /** No design type recorded (no emitDecoratorMetadata, no reflect-metadata, or TC39 decorators). */
  | undefined;

function metadataReader(): MetadataReader | undefined {
  const reflect = Reflect as unknown as { getMetadata?: unknown };
  return typeof reflect.getMetadata === 'function' ? (reflect.getMetadata as MetadataReader).bind(Reflect) : undefined;
}

const TYPES = new Map<unknown, ValueTypeName>([
  [String, 'string'],
  [Boolean, 'bool'],
  [BigInt, 'int'],
  [Duration, 'duration'],
]);

export function optionTypeFromDesign(prototype: object, property: string): DesignTypeAnswer {
  const read = metadataReader();
  if (read === undefined) return undefined;
  const designType = read('design:type', prototype, property);
  if (designType === undefined) return undefined;
  const type = TYPES.get(designType);
  if (type !== undefined) return { type };
  if (designType === Number) {
    return {
      problem: "the property is a number, which may be an int or a double: write { type: 'int', int: 'number' } or { type: 'double' }",
    };
  }
  const name = typeof designType === 'function' && designType.name !== '' ? designType.name : String(designType);
  return {
    problem: `its declared type (design type ${name}: a union, an array, another class, or no annotation) names no option type; write { type: 'int' } or { type: 'double' } (or 'string', 'bool', 'duration', or types: [...] for several values)`,
  };
}
