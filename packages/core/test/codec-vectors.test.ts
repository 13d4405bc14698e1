import { readVectors, splitFrames } from '../../../test/vectors/read';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../src/codec';
import { Request, Response } from '../src/generated/udf';

describe('reference vectors (Kapacitor Go encoder)', () => {
  const requests = readVectors('requests');
  const responses = readVectors('responses');
  const requestFrames = splitFrames(requests.frames);
  const responseFrames = splitFrames(responses.frames);

  test('the vectors have one frame per JSON line', () => {
    expect(requestFrames.length).toBe(requests.jsonLines.length);
    expect(responseFrames.length).toBe(responses.jsonLines.length);
    expect(requestFrames.length).toBeGreaterThan(10);
  });

  test.each(requestFrames.map((f, i) => [i, f] as const))('request %i decodes to its JSON line', (i, frame) => {
    expect(decodeRequest(frame)).toEqual(Request.fromJSON(requests.jsonLines[i]));
  });

  test.each(requestFrames.map((f, i) => [i, f] as const))('request %i re-encodes byte for byte', (_i, frame) => {
    expect(Buffer.from(encodeRequest(decodeRequest(frame))).toString('hex')).toBe(frame.toString('hex'));
  });

  test.each(responseFrames.map((f, i) => [i, f] as const))('response %i decodes to its JSON line', (i, frame) => {
    expect(decodeResponse(frame)).toEqual(Response.fromJSON(responses.jsonLines[i]));
  });

  test.each(responseFrames.map((f, i) => [i, f] as const))('response %i re-encodes byte for byte', (_i, frame) => {
    expect(Buffer.from(encodeResponse(decodeResponse(frame))).toString('hex')).toBe(frame.toString('hex'));
  });

  test('encoding the JSON form (built by the generated fromJSON) reproduces the frames', () => {
    requests.jsonLines.forEach((line, i) => {
      expect(Buffer.from(encodeRequest(Request.fromJSON(line))).equals(requestFrames[i])).toBe(true);
    });
    responses.jsonLines.forEach((line, i) => {
      expect(Buffer.from(encodeResponse(Response.fromJSON(line))).equals(responseFrames[i])).toBe(true);
    });
  });

  test('int64 values beyond 2^53 arrive exactly, as bigint', () => {
    const point = requestFrames
      .map((f) => decodeRequest(f))
      .find((r) => r.message?.$case === 'point' && r.message.value.name === 'cpu' && 'max' in r.message.value.fieldsInt);
    if (point?.message?.$case !== 'point') throw new Error('vector point with int64 extremes not found');
    const p = point.message.value;
    expect(p.time).toBe(1700000000123456789n);
    expect(p.fieldsInt.max).toBe(9223372036854775807n);
    expect(p.fieldsInt.min).toBe(-9223372036854775808n);
    expect(p.fieldsInt.beyond_2_53).toBe(9007199254740993n);
    expect(p.fieldsInt.neg).toBe(-42n);
    expect(p.fieldsInt.zero).toBe(0n);
    expect(typeof p.fieldsInt.one).toBe('bigint');
    expect(p.fieldsDouble.inf).toBe(Infinity);
    expect(p.fieldsString.msg).toBe('héllo ☃ 𝄞');
    expect(p.fieldsString.empty).toBe('');
    expect(p.tags.empty).toBe('');
    expect(p.fieldsBool.down).toBe(false);

    const negative = requestFrames
      .map((f) => decodeRequest(f))
      .find((r) => r.message?.$case === 'point' && r.message.value.name === 'before_epoch');
    expect(negative?.message?.value).toMatchObject({ time: -1n });

    const keepalive = decodeRequest(requestFrames[requests.jsonLines.findIndex((l) => 'keepalive' in (l as object))]);
    expect(keepalive.message).toEqual({ $case: 'keepalive', value: { time: 1732567890123456789n } });
  });
});
