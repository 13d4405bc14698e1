import { decodeRequest, encodeFrame, FrameDecoder } from '@kapacitor-udf/core';
import { Duration, OnInit, OnPoint, Option, type Point, Udf, type UdfContext } from '@kapacitor-udf/decorators';
import { readVectors } from '../../../test/vectors/read';
import { Conversation } from './helpers/conversation';

const requests = readVectors('requests');

/** Declares options matching the Init in requests.jsonl line 2 (every option shape). */
let seen: EveryShape | undefined;

@Udf({ wants: 'stream', provides: 'stream', name: 'mirror' })
class EveryShape {
  @Option({ types: ['string', 'double'] }) field?: [string, number];
  @Option({ type: 'int' }) size = 1n;
  @Option({ type: 'int' }) offset = 0n;
  @Option({ type: 'duration' }) period = Duration.seconds(1);
  @Option({ type: 'bool' }) enabled = false;
  @Option({ type: 'bool' }) disabled = true;
  @Option({ type: 'int', int: 'number' }) zero = 7;
  @Option({ types: ['string', 'string', 'string'] }) tags: [string, string, string] = ['', '', ''];
  @Option({ flag: true }) flag = false;
  taskID = '';
  nodeID = '';

  @OnInit() init(ctx: UdfContext) {
    this.taskID = ctx.taskID;
    this.nodeID = ctx.nodeID;
    seen = this;
  }

  @OnPoint() p(p: Point) {
    return p;
  }
}

describe("Kapacitor's reference Init frame (requests.jsonl line 2)", () => {
  it('is the Init with every option shape', () => {
    const json = requests.jsonLines[1] as { init: { options: { name: string }[] } };
    expect(json.init.options.map((o: { name: string }) => o.name)).toEqual([
      'field',
      'size',
      'offset',
      'period',
      'enabled',
      'disabled',
      'zero',
      'tags',
      'flag',
    ]);
  });

  it('is parsed by a UDF declaring matching options, with exact values', async () => {
    // The binary frames are the same messages as the jsonl lines, encoded with Kapacitor's Go message
    // types (conformance/vectors; see test/vectors/README.md).
    const bodies = new FrameDecoder().push(requests.frames);
    const initBody = bodies[1];
    expect(decodeRequest(initBody).message?.$case).toBe('init');

    const conversation = new Conversation(EveryShape).sendRaw(encodeFrame(initBody));
    expect(await conversation.next('init')).toEqual({ success: true, error: '' });
    await conversation.finish();

    const s = seen!;
    expect(s.field).toEqual(['mycustom_field', 42]);
    expect(s.size).toBe(10n);
    expect(s.offset).toBe(-5n);
    expect(s.period).toBeInstanceOf(Duration);
    expect(s.period.ns).toBe(90_000_000_000n);
    expect(s.period.toString()).toBe('1m30s');
    expect(s.enabled).toBe(true);
    expect(s.disabled).toBe(false);
    expect(s.zero).toBe(0);
    expect(s.tags).toEqual(['host', 'region', 'cpu']);
    expect(s.flag).toBe(true);
    expect([s.taskID, s.nodeID]).toEqual(['cpu_alert', 'mirror2']);
  });
});
