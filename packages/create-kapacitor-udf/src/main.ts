import { parseArgs } from './args';
import { createPackage } from './create-package';
import { ScaffoldError } from './errors';
import { ownClone } from './from-clone';
import { HELP } from './help';
import { nextSteps } from './next-steps';
import { ownVersion } from './versions';

/** Where the scaffold prints. */
export interface ScaffoldIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

const processIo: ScaffoldIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  cwd: process.cwd(),
};

/** Runs create-kapacitor-udf with `argv` (without node and the script); returns the exit code. */
export function main(argv: readonly string[], io: ScaffoldIo = processIo): number {
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') {
      io.out(HELP);
      return 0;
    }
    if (args.command === 'version') {
      io.out(ownVersion());
      return 0;
    }
    const created = createPackage({ dir: args.dir, name: args.name, force: args.force, from: args.from, cwd: io.cwd });
    io.out(nextSteps(created, io.cwd, created.clone === undefined ? ownClone() : undefined));
    return 0;
  } catch (err) {
    if (err instanceof ScaffoldError) {
      io.err(`create-kapacitor-udf: ${err.message}`);
      return err.exitCode;
    }
    // A failure of the file system (permissions, a full disk): its own message is the best advice.
    io.err(`create-kapacitor-udf: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
