import { buildDefinition } from './build-definition';
import type { UdfConfig } from './definition';
import { UdfDefinitionError } from './errors';
import { isStandardContext } from './member';
import { declarationChain, ensureOwnRecord, ownRecordOf } from './metadata';
import { refuseNumberValidatorsOnBigints } from './number-validators-on-bigints';
import { applyRecordedValidators, recordValidators } from './validate-with';

/** A decorator usable on a class, in either decorator mode. */
export interface ClassDecorator {
  <T extends Function>(target: T): void;
  <T extends abstract new (...args: never[]) => unknown>(target: T, context: ClassDecoratorContext<T>): void;
}

/**
 * Declares a class as a Kapacitor UDF. Validates the whole declaration
 * (including inherited members) right here, so a mistake throws a
 * `UdfDefinitionError` when the module defining the class is loaded.
 */
export function Udf(config: UdfConfig): ClassDecorator {
  return function udfDecorator(target: Function, context?: unknown): void {
    if (typeof target !== 'function') {
      throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', '@Udf decorates a class');
    }
    const standard = isStandardContext(context);
    if (standard && context.kind !== 'class') {
      throw new UdfDefinitionError('ERR_DECORATOR_PLACEMENT', '@Udf decorates a class');
    }
    const record = ensureOwnRecord(target);
    if (record.definition !== undefined) {
      throw new UdfDefinitionError('ERR_DUPLICATE_UDF_DECORATOR', `${target.name} has two @Udf decorators; keep one`);
    }
    if (standard && context.metadata !== undefined) {
      // Standard member decorators recorded into context.metadata (the class's
      // Symbol.metadata property is only defined after class decorators ran):
      // move those declarations onto the class record.
      const fromMetadata = ownRecordOf(context.metadata);
      if (fromMetadata !== undefined) {
        record.declared.options.push(...fromMetadata.declared.options);
        record.declared.handlers.push(...fromMetadata.declared.handlers);
        record.declared.state.push(...fromMetadata.declared.state);
        for (const entry of fromMetadata.declared.validators ?? []) {
          recordValidators('@ValidateWith', record.declared, entry.property, entry.validators);
        }
      }
    }
    const chain = declarationChain(target);
    const definition = buildDefinition(target, config, chain);
    // Only a valid declaration reaches class-validator's global registry.
    applyRecordedValidators(chain);
    refuseNumberValidatorsOnBigints(target, definition);
    record.definition = definition;
  } as ClassDecorator;
}
