export { type CliArgs, parseCliArgs } from './args';
export { type Discovery, discoverUdfs, type FoundUdf, type ModuleSource } from './discover';
export {
  BadPackageJsonError,
  CliError,
  DuplicateUdfError,
  ModuleLoadError,
  TsNodeMissingError,
  UnknownUdfError,
  UsageError,
} from './errors';
export { kapacitorConfSection } from './kapacitor-conf';
export { type CliIo, main } from './main';
export { selectUdf } from './select-udf';
