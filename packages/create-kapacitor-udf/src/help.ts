import { EXAMPLE_UDF_NAME } from './udf-name';

export const HELP = `create-kapacitor-udf: start a package of Kapacitor UDFs written with kapacitor-udf

Usage:
  npm create kapacitor-udf <dir> [-- --name <package-name> --force]
  npx create-kapacitor-udf <dir> [--name <package-name>] [--force] [--from <clone>]

Writes a ready package into <dir>: package.json (with "kapacitorUdf"), TypeScript
and jest configuration, an example UDF (${EXAMPLE_UDF_NAME}) with its test, a README with
the kapacitor.conf sections and the TICKscript line.

Options:
  --name <package-name>  the npm name (default: the directory's name)
  --from <clone>         take the @kapacitor-udf packages from a clone of kapacitor-udf
                         (packed into vendor/, installed from there, never from the
                         registry): for versions not published yet
  -f, --force            write into a non-empty directory (same-named files are replaced;
                         never through a symbolic link)
  -h, --help             this help
  -v, --version          the version

With "npm create", put the options after "--": npm keeps options before it for itself.
`;
