export { main, type CliIo } from './main';
export { parseCliArgs, type CliArgs } from './args';
export { discoverUdfs, type Discovery, type FoundUdf, type ModuleSource } from './discover';
export { selectUdf } from './select-udf';
export { kapacitorConfSection } from './kapacitor-conf';
export {
  CliError,
  UsageError,
  UnknownUdfError,
  DuplicateUdfError,
  ModuleLoadError,
  TsNodeMissingError,
  BadPackageJsonError,
} from './errors';
