// packages/decorators/README.md: "Duration".
import { Duration } from '@kapacitor-udf/decorators';

const a = Duration.seconds(1);
const b = Duration.milliseconds(1000);

Duration.seconds(90).ns;                      // 90000000000n
Duration.milliseconds(1500).toMilliseconds(); // 1500
`${Duration.seconds(90)}`;                    // '1m30s' (like Go / Kapacitor logs)
Duration.seconds(90).toTickscript();          // '90s'
a.equals(b); a.compare(b);                    // -1 | 0 | 1
