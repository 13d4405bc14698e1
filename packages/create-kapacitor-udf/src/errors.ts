import { UdfError } from '@kapacitor-udf/core';

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
 */
export class ScaffoldError extends UdfError<ScaffoldErrorCode> {
  readonly exitCode: number;

  constructor(code: ScaffoldErrorCode, message: string) {
    super(code, message);
    this.exitCode = code === 'ERR_USAGE' ? 2 : 1;
  }
}
