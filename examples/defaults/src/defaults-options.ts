import { Option } from '@kapacitor-udf/decorators';

/**
 * The options `defaults` and `defaultsBatch` share (both UDF classes extend
 * this one; the decorators inherit options from base classes).
 */
export class DefaultsOptions {
  @Option({
    types: ['string', 'double'],
    repeatable: true,
    description: 'a double field (name, value) to set where the point has no field of that name',
  })
  field: Array<[string, number]> = [];

  @Option({
    types: ['string', 'string'],
    repeatable: true,
    description: 'a tag (name, value) to set where the point has no such tag or an empty one',
  })
  tag: Array<[string, string]> = [];
}
