// Types of workspaces.js for the TypeScript tests that share it.

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface Workspace {
  /** Absolute path of the package folder. */
  dir: string;
  pkg: PackageJson;
}

export const REPO_ROOT: string;
export function workspaces(root?: string): Workspace[];
export function publishableWorkspaces(root?: string): Workspace[];
export function inDependencyOrder(list: Workspace[]): Workspace[];
