/**
 * How a message names one of our options. Core and the transports speak in
 * their API's terms ("raise frameTimeoutMs"); a program with names of its
 * own for them (udf-run's flags: `--frame-timeout`) passes a map from option
 * name to its name, and messages use that instead. A plain object rather
 * than a function so it can be sent to worker threads.
 */
export type OptionNames = Readonly<Record<string, string>>;

/** `option` as the program calls it: its entry in `names`, else the API option name itself. */
export function nameOption(names: OptionNames | undefined, option: string): string {
  return names?.[option] ?? option;
}
