import { EXAMPLE_UDF_NAME } from './udf-name';
import { CLASS_VALIDATOR_RANGE, DEV_TOOL_RANGES } from './versions';

/**
 * The package.json of a new UDF package. It is built here rather than kept
 * in template/ because its ranges are known only when the scaffold runs
 * (`^` + the scaffold's own version for the @kapacitor-udf packages), and
 * because a package.json inside template/ would be a second package to npm
 * and to jest's module map.
 *
 * `vendored` (with `--from`): a `file:` spec per @kapacitor-udf package,
 * tarballs packed from a clone. The direct dependencies take theirs, and
 * `overrides` gives every one of them (core and transports too, which only
 * the framework packages depend on) to the whole tree, so npm never asks the
 * registry for a @kapacitor-udf package. (npm accepts an override of a direct
 * dependency only with the very same spec, which this is.)
 */
export function generatedPackageJson(
  name: string,
  frameworkVersion: string,
  vendored?: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const spec = (pkg: string) => vendored?.[pkg] ?? `^${frameworkVersion}`;
  return {
    name,
    version: '0.1.0',
    description: `Kapacitor user-defined functions (${EXAMPLE_UDF_NAME}), written with kapacitor-udf.`,
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    files: ['dist', 'README.md'],
    // udf-run finds the UDF classes through this field: in this package, and
    // in any project that installs it.
    kapacitorUdf: { modules: ['dist/index.js'] },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      test: 'jest',
      prepack: 'npm run build',
      start: `udf-run ${EXAMPLE_UDF_NAME}`,
    },
    engines: { node: '>=20' },
    dependencies: {
      // The CLI is a run-time dependency: the package deploys with its own
      // udf-run (`npm ci --omit=dev`), which kapacitor.conf names by path.
      '@kapacitor-udf/cli': spec('@kapacitor-udf/cli'),
      '@kapacitor-udf/decorators': spec('@kapacitor-udf/decorators'),
      'class-validator': CLASS_VALIDATOR_RANGE,
    },
    devDependencies: {
      '@kapacitor-udf/testing': spec('@kapacitor-udf/testing'),
      ...DEV_TOOL_RANGES,
    },
    ...(vendored === undefined ? {} : { overrides: { ...vendored } }),
  };
}
