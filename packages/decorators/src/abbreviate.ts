/**
 * Init errors quote what the script gave. A value can be megabytes long (a
 * huge string literal), and the error travels back to Kapacitor and into its
 * log, so quotes are cut to a readable length and say how long the original was.
 */
export const QUOTE_MAX = 64;

export function abbreviate(text: string, max: number = QUOTE_MAX): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}
