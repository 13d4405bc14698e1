// packages/testing/README.md: one scenario both ways.
import { UdfHarness, type OptionsInput } from '@kapacitor-udf/testing';
import { MovingAvg } from './moving-avg';

const options: OptionsInput = { field: 'value', size: 10n };
const packageDir = 'examples/moving-avg';

async function scenario(h: UdfHarness) { /* ... */ }
await scenario(await UdfHarness.create(MovingAvg, { options }));
await scenario(await UdfHarness.spawn('movingAvg', { cwd: packageDir, options }));
