// packages/testing/README.md: raw option values.
import type { UdfHarness } from '@kapacitor-udf/testing';

declare const h: UdfHarness;

import { raw } from '@kapacitor-udf/testing';
await h.init([raw.option('size', raw.double(10)), raw.option('field', raw.unset())]);
