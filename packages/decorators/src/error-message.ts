/**
 * The message of anything thrown, for responses sent to Kapacitor. Reads
 * `.message` structurally: errors from another realm (node:v8's DataCloneError,
 * vm contexts, jest sandboxes) are not `instanceof Error` here.
 */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { message, name } = error as { message?: unknown; name?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    if (typeof name === 'string' && name !== '') return name;
  }
  const text = String(error);
  return text === '' ? 'unknown error' : text;
}
