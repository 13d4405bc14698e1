import { type BeginBatch, type EndBatch, OnBeginBatch, OnEndBatch, OnPoint, type Point, Udf } from '@kapacitor-udf/decorators';
import { DefaultsOptions } from './defaults-options';
import { defaultTags, setDefaults } from './set-defaults';

/**
 * Kapacitor's DefaultNode as a batch UDF: the points of each batch get the
 * defaults, and so do the batch's own tags (on BeginBatch, as DefaultNode
 * does, and on EndBatch, whose tags Kapacitor gives the output batch).
 */
@Udf({
  name: 'defaultsBatch',
  wants: 'batch',
  provides: 'batch',
  description: 'Sets fields and tags on each batch point where they are absent (like the default node).',
})
export class DefaultsBatch extends DefaultsOptions {
  @OnBeginBatch()
  begin(b: BeginBatch): BeginBatch {
    const tags = defaultTags(b.tags, this.tag);
    return tags === b.tags ? b : { ...b, tags };
  }

  @OnPoint()
  point(p: Point): Point {
    return setDefaults(p, this.field, this.tag);
  }

  @OnEndBatch()
  end(e: EndBatch): EndBatch {
    const tags = defaultTags(e.tags, this.tag);
    return tags === e.tags ? e : { ...e, tags };
  }
}
