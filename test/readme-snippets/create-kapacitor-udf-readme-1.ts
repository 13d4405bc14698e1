// packages/create-kapacitor-udf/README.md: programmatic use.
import { createPackage } from 'create-kapacitor-udf';

const { dir, name, files } = createPackage({ dir: 'my-udfs', name: 'my-udfs', force: false, cwd: process.cwd() });
// from a clone: createPackage({ dir: '../my-udfs', from: '.', cwd: process.cwd() })

export { dir, name, files };
