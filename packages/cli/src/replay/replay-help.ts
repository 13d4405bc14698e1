/** The --replay part of `udf-run --help` (help.ts appends it). */
export const REPLAY_HELP = `
Replay (run a UDF offline, no Kapacitor needed):
  udf-run <name> --replay <file> [replay options]
  <file> is a stream recording (.srpl), a batch recording (.brpl) as
  Kapacitor writes them in its [replay] dir, line protocol (.lp), or - for
  line protocol on stdin. The UDF runs in its real agent, fed the frames
  Kapacitor would send; what it emits goes to stdout, a summary to stderr.
  --tick <chain>             options as in TICKscript: ".field('usage_idle').size(10)"
  -o, --option <name=value>  one option, typed by the UDF's declared type
                             (repeatable; several values comma-separated; a flag: just <name>)
  --group-by <tags>          series groups as a TICKscript groupBy: host,cpu or *
  --group-by-measurement     the measurement is part of the group
  --batch <time>             cut the stream into batches per group (window by time, e.g. 10s)
  --batch-points <n>         ... or every n points of a group
  --precision <unit>         line-protocol timestamps in ns (default), us, ms or s;
                             a line without one gets the time the replay started
  --output <lp|json>         line protocol (default) or JSON lines (Kapacitor's message JSON)
  --snapshot-out <file>      write the UDF's snapshot at the end
  --restore <file>           restore a snapshot before the data
  --format <srpl|brpl|lp>    when the file name does not tell
  --on-error <fail|skip>, --handler-timeout and the message, queue and batch
                             limits apply as when serving Kapacitor
`;
