export { main, type CliIo } from './main';
export { parseCliArgs, type CliArgs } from './args';
export { discoverUdfs, findModuleSources, type Discovery, type FoundUdf, type ModuleSource } from './discover';
export { selectUdf } from './select-udf';
export { kapacitorConfSection, binPath } from './kapacitor-conf';
export { loadModuleFile } from './load-module';
export {
  CliError,
  UsageError,
  UnknownUdfError,
  DuplicateUdfError,
  ModuleLoadError,
  TsNodeMissingError,
  BadPackageJsonError,
} from './errors';
