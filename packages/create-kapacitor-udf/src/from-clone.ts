import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ScaffoldError } from './errors';

/**
 * The framework packages a generated package installs, directly (cli,
 * decorators, testing) or through them (core, transports, replay). All of them are
 * packed: with only the direct ones, npm would look the others up on the
 * registry, where an unpublished version does not exist.
 */
export const FRAMEWORK_PACKAGES = ['core', 'replay', 'decorators', 'transports', 'cli', 'testing'] as const;

/** The folder of a new package that holds the packed framework packages. */
export const VENDOR_DIR = 'vendor';

/** A clone of the kapacitor-udf repository to take the framework packages from. */
export interface Clone {
  /** Absolute path of the clone's root. */
  root: string;
  /** The version its packages share. */
  version: string;
}

/** A framework package packed into a tarball for a new package. */
export interface PackedPackage {
  /** e.g. `@kapacitor-udf/cli`. */
  name: string;
  /** The tarball's file name, e.g. `kapacitor-udf-cli-0.1.0.tgz`. */
  file: string;
}

/** Checks that `from` is a clone holding every framework package, all of one version. */
export function checkClone(from: string, cwd: string): Clone {
  const root = resolve(cwd, from);
  const versions = new Set<string>();
  for (const short of FRAMEWORK_PACKAGES) {
    const file = join(root, 'packages', short, 'package.json');
    let pkg: { name?: unknown; version?: unknown };
    try {
      pkg = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw notAClone(root, `${file} is missing or unreadable`);
    }
    if (pkg.name !== `@kapacitor-udf/${short}` || typeof pkg.version !== 'string') {
      throw notAClone(root, `${file} is not the package @kapacitor-udf/${short}`);
    }
    versions.add(pkg.version);
  }
  if (versions.size !== 1) throw notAClone(root, `its packages have different versions (${[...versions].join(', ')})`);
  return { root, version: [...versions][0] };
}

function notAClone(root: string, reason: string): ScaffoldError {
  return new ScaffoldError(
    'ERR_NOT_A_CLONE',
    `--from ${root}: not a clone of the kapacitor-udf repository: ${reason}.\n` +
      'Give the root of a clone (the directory holding packages/core, packages/cli, ...).',
  );
}

/** The name `npm pack` gives the tarball of `name`@`version`. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Packs the clone's framework packages into `destination` with `npm pack`,
 * exactly as they would be published (their prepack script builds them).
 */
export function packClone(clone: Clone, destination: string): PackedPackage[] {
  const folders = FRAMEWORK_PACKAGES.map((short) => join(clone.root, 'packages', short));
  const [command, prefix] = npmCommand();
  try {
    execFileSync(command, [...prefix, 'pack', ...folders, '--pack-destination', destination, '--json'], {
      cwd: clone.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const detail = (e.stderr ?? '').trim().split('\n').slice(-15).join('\n  ') || e.message;
    throw new ScaffoldError(
      'ERR_PACK_FAILED',
      `npm pack of the framework packages in ${clone.root} failed:\n  ${detail}\n` +
        `Set the clone up first (in ${clone.root}: npm ci && npm run build), then try again.`,
    );
  }
  return FRAMEWORK_PACKAGES.map((short) => {
    const name = `@kapacitor-udf/${short}`;
    const file = tarballName(name, clone.version);
    if (!existsSync(join(destination, file))) {
      throw new ScaffoldError(
        'ERR_PACK_FAILED',
        `npm pack in ${clone.root} wrote no ${file}: is npm older than 7 (no --pack-destination)?`,
      );
    }
    return { name, file };
  });
}

/**
 * npm as a command: the npm that runs this scaffold (`npm create`, `npx`)
 * when there is one, else the one on the PATH.
 */
function npmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /^npm-cli\.c?js$/.test(basename(execPath))) return [process.execPath, [execPath]];
  return [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
}

/**
 * The clone this scaffold itself runs from, when it does (not installed from
 * the registry): its @kapacitor-udf packages may be unpublished, and the next
 * steps then say how to use the clone's own.
 */
export function ownClone(): string | undefined {
  const root = resolve(__dirname, '..', '..', '..');
  if (__dirname.split(/[\\/]/).includes('node_modules')) return undefined;
  return existsSync(join(root, 'packages', 'core', 'package.json')) && existsSync(join(root, 'packages', 'create-kapacitor-udf'))
    ? root
    : undefined;
}
