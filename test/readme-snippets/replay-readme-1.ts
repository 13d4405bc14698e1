// packages/replay/README.md: reading a stream recording.
import { readStreamRecording, formatLine } from '@kapacitor-udf/replay';

for await (const points of readStreamRecording('cpu.srpl')) {
  for (const p of points) console.log(formatLine(p));
}

export {};
