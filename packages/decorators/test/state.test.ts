import { OnPoint, OnRestore, OnSnapshot, Option, type Point, State, Udf, type UdfContext } from '@kapacitor-udf/decorators';
import { Conversation, converse, init, makePoint, point, restore, snapshot } from './helpers/conversation';

type SnapshotValue = { snapshot: Uint8Array };
type RestoreValue = { success: boolean; error: string };

/** Counts points per host; emits the running count. */
@Udf({ wants: 'stream', provides: 'stream', name: 'counter' })
class Counter {
  @State() counts = new Map<string, bigint>();
  @State() seen = new Set<bigint>();
  @State() last: { at: Date; window: number[] } = { at: new Date(0), window: [] };
  notState = 'default';

  @OnPoint() count(p: Point) {
    const host = p.tags.host ?? '';
    const n = (this.counts.get(host) ?? 0n) + 1n;
    this.counts.set(host, n);
    this.seen.add(p.time);
    this.last = { at: new Date(Number(p.time)), window: [...this.last.window, p.fieldsDouble.value ?? 0] };
    this.notState = 'changed';
    return makePoint({
      name: 'count',
      tags: { host },
      fieldsInt: { n, seen: BigInt(this.seen.size) },
      fieldsString: { note: this.notState },
    });
  }
}

@Udf({ wants: 'stream', provides: 'stream', name: 'counter', stateVersion: 2 })
class CounterV2 {
  @State() counts = new Map<string, bigint>();
  @OnPoint() p(p: Point) {
    return p;
  }
}

@Udf({ wants: 'stream', provides: 'stream', name: 'other' })
class Other {
  @State() counts = new Map<string, bigint>();
  @OnPoint() p(p: Point) {
    return p;
  }
}

const hostPoint = (host: string, time: bigint, value: number) => point({ time, tags: { host }, fieldsDouble: { value } });

async function takeSnapshot(): Promise<Uint8Array> {
  const responses = await converse(Counter, init(), hostPoint('a', 1n, 1), hostPoint('a', 2n, 2), hostPoint('b', 3n, 3), snapshot());
  const snap = responses.find((r) => r.$case === 'snapshot')!.value as SnapshotValue;
  expect(snap.snapshot.length).toBeGreaterThan(0);
  return snap.snapshot;
}

describe('@State automatic snapshot', () => {
  it('round-trips Map, Set, bigint, Date and nested objects into a new instance', async () => {
    const bytes = await takeSnapshot();
    const c = new Conversation(Counter).send(init(), restore(bytes), hostPoint('a', 4n, 4));
    expect(await c.next('restore')).toEqual({ success: true, error: '' });
    const emitted = await c.next('point');
    expect(emitted.fieldsInt).toEqual({ n: 3n, seen: 4n });
    expect(emitted.fieldsString).toEqual({ note: 'changed' });
    const second = await new Conversation(Counter).send(init(), restore(bytes), snapshot()).next('snapshot');
    // The restored state snapshots to the same values (bytes may differ in v8's number encoding).
    const { deserialize, serialize } = await import('node:v8');
    expect(Buffer.from(serialize(deserialize(second.snapshot)))).toEqual(Buffer.from(serialize(deserialize(bytes))));
    // (node:v8 builds Maps/Sets/Dates in Node's own realm, not jest's: compare their contents.)
    const envelope = deserialize(bytes);
    expect([envelope.format, envelope.udf, envelope.stateVersion]).toEqual(['kapacitor-udf/state', 'counter', 1]);
    expect([...envelope.values.counts.entries()]).toEqual([
      ['a', 2n],
      ['b', 1n],
    ]);
    expect([...envelope.values.seen.values()]).toEqual([1n, 2n, 3n]);
    expect(envelope.values.last.at.getTime()).toBe(3);
    expect([...envelope.values.last.window]).toEqual([1, 2, 3]);
    expect(Object.keys(envelope.values)).toEqual(['counts', 'seen', 'last']);
  });

  it('refuses a snapshot from an incompatible state version, and leaves state untouched', async () => {
    const bytes = await takeSnapshot();
    const c = new Conversation(CounterV2).send(init(), restore(bytes));
    expect(await c.next('restore')).toEqual({
      success: false,
      error:
        'cannot restore counter: the snapshot has state version 1, but this UDF is at state version 2 and cannot read it; ' +
        'run the UDF version that wrote it, or delete the task snapshot (e.g. redefine the task) to start from empty state',
    });
    await c.finish();
  });

  it('refuses a snapshot of another UDF', async () => {
    const bytes = await takeSnapshot();
    const [, response] = await converse(Other, init(), restore(bytes));
    expect(response.value).toEqual({
      success: false,
      error: "cannot restore other: the snapshot belongs to the UDF 'counter', not 'other'",
    });
  });

  it('refuses bytes that are not a @State snapshot', async () => {
    const [, garbage] = await converse(Counter, init(), restore(Buffer.from('not a snapshot')));
    expect((garbage.value as RestoreValue).success).toBe(false);
    expect((garbage.value as RestoreValue).error).toMatch(
      /^cannot restore counter: the snapshot (could not be decoded|was not written by a @State\(\) snapshot)/,
    );
    const { serialize } = await import('node:v8');
    const [, foreign] = await converse(Counter, init(), restore(serialize({ counts: new Map() })));
    expect(foreign.value).toEqual({
      success: false,
      error: 'cannot restore counter: the snapshot was not written by a @State() snapshot of @kapacitor-udf/decorators',
    });
  });

  it('restores empty snapshot bytes as success with nothing changed', async () => {
    const c = new Conversation(Counter).send(init(), restore(new Uint8Array(0)), hostPoint('a', 1n, 1));
    expect(await c.next('restore')).toEqual({ success: true, error: '' });
    expect((await c.next('point')).fieldsInt).toEqual({ n: 1n, seen: 1n });
    await c.finish();
  });

  it('names a @State property that cannot be serialized', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Unserializable {
      @State() callback = () => 1;
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const { responses } = await new Conversation(Unserializable).send(init(), snapshot()).finishWithError();
    expect((responses.at(-1)!.value as { error: string }).error).toContain(
      'cannot snapshot @State property Unserializable.callback: () => 1 could not be cloned.; keep state as plain data',
    );
  });
});

describe('without state or with custom snapshot handlers', () => {
  it('no @State and no handlers: empty snapshot, restore succeeds', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class Stateless {
      @OnPoint() p(p: Point) {
        return p;
      }
    }
    const responses = await converse(Stateless, init(), snapshot(), restore(Buffer.from('anything')));
    expect(responses.map((r) => r.$case)).toEqual(['init', 'snapshot', 'restore']);
    expect((responses[1].value as SnapshotValue).snapshot.length).toBe(0);
    expect(responses[2].value).toEqual({ success: true, error: '' });
  });

  @Udf({ wants: 'stream', provides: 'stream' })
  class Custom {
    @Option({ type: 'string' }) mode = 'ok';
    total = 0;
    @OnPoint() p(p: Point) {
      this.total += p.fieldsDouble.value;
      return makePoint({ fieldsDouble: { total: this.total } });
    }
    @OnSnapshot() async save(ctx: UdfContext) {
      await Promise.resolve();
      return Buffer.from(JSON.stringify({ total: this.total, node: ctx.nodeID }));
    }
    @OnRestore() load(bytes: Uint8Array) {
      if (this.mode === 'throw') throw new Error('cannot read this snapshot');
      if (this.mode === 'refuse') return { success: false, error: 'refused on purpose' };
      this.total = JSON.parse(Buffer.from(bytes).toString()).total;
    }
  }

  it('@OnSnapshot bytes go to @OnRestore of the next instance', async () => {
    const first = await converse(Custom, init([], { nodeID: 'n7' }), point({ fieldsDouble: { value: 2 } }), snapshot());
    const bytes = (first.at(-1)!.value as SnapshotValue).snapshot;
    expect(JSON.parse(Buffer.from(bytes).toString())).toEqual({ total: 2, node: 'n7' });
    const second = await converse(Custom, init(), restore(bytes), point({ fieldsDouble: { value: 3 } }));
    expect(second[1].value).toEqual({ success: true, error: '' });
    expect((second[2].value as Point).fieldsDouble).toEqual({ total: 5 });
  });

  it('@OnRestore refuses by throwing or by returning { success: false, error }', async () => {
    const { opt } = await import('./helpers/conversation');
    const thrown = await converse(Custom, init([opt('mode', 'throw')]), restore(Buffer.from('{}')));
    expect(thrown[1].value).toEqual({ success: false, error: 'cannot read this snapshot' });
    const refused = await converse(Custom, init([opt('mode', 'refuse')]), restore(Buffer.from('{}')));
    expect(refused[1].value).toEqual({ success: false, error: 'refused on purpose' });
  });

  it('@OnSnapshot returning something other than bytes is an error', async () => {
    @Udf({ wants: 'stream', provides: 'stream' })
    class NotBytes {
      @OnPoint() p(p: Point) {
        return p;
      }
      // @ts-expect-error the compiler sees it too; the run-time check is for untyped code
      @OnSnapshot() s() {
        return { total: 1 };
      }
      @OnRestore() r() {}
    }
    const { responses } = await new Conversation(NotBytes).send(init(), snapshot()).finishWithError();
    expect((responses.at(-1)!.value as { error: string }).error).toContain(
      '@OnSnapshot of NotBytes must return a Uint8Array (or Buffer), got object',
    );
  });
});
