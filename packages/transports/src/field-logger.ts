import type { Logger } from '@kapacitor-udf/core';
import { describeError } from '@kapacitor-udf/core/internal';

/**
 * A logger that adds `fields` to every line. The object is read at each call,
 * so fields learnt later (the task and node IDs from InitRequest) show up on
 * every following line of that connection without creating a new logger.
 */
export function withFields(base: Logger, fields: Record<string, unknown>): Logger {
  const merge = (extra?: object): object => (extra === undefined ? { ...fields } : { ...fields, ...extra });
  return {
    debug: (msg, extra) => base.debug(msg, merge(extra)),
    info: (msg, extra) => base.info(msg, merge(extra)),
    warn: (msg, extra) => base.warn(msg, merge(extra)),
    error: (msg, extra) => base.error(msg, merge(extra)),
  };
}

/** Log fields for an error: message, code when it has one, and the stack at debug-worthy detail. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: err.message, ...(typeof code === 'string' ? { code } : {}), errorName: err.name };
  }
  return { error: describeError(err) };
}
