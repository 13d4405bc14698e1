/** Every reason the scaffold refuses to write a package. */
export type ScaffoldErrorCode =
  | 'ERR_USAGE'
  | 'ERR_INVALID_PACKAGE_NAME'
  | 'ERR_TARGET_NOT_EMPTY'
  | 'ERR_TARGET_NOT_DIRECTORY'
  | 'ERR_TARGET_HAS_LINK'
  | 'ERR_NOT_A_CLONE'
  | 'ERR_PACK_FAILED'
  | 'ERR_INCOMPLETE_INSTALL';

/**
 * What create-kapacitor-udf reports instead of writing a package. `code` says
 * which problem it is, the message what to do about it; `exitCode` is 2 for a
 * wrong command line and 1 for everything else (like udf-run).
 *
 * Its own base (Error), not core's UdfError: the scaffold runs before any
 * framework package is installed (`npm create kapacitor-udf`), and needs
 * nothing else from them, so installing it does not pull in core. It keeps
 * the same shape: `name` is the class name, `code` a typed string.
 */
export class ScaffoldError extends Error {
  readonly code: ScaffoldErrorCode;
  readonly exitCode: number;

  constructor(code: ScaffoldErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = code === 'ERR_USAGE' ? 2 : 1;
  }
}
