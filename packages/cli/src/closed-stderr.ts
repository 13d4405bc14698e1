/**
 * When whatever reads udf-run's stderr goes away (a log pipe whose reader
 * exited, `udf-run ... 2>&1 | head`, a collector restarted), each write to
 * stderr fails with EPIPE. Without a listener that 'error' is an uncaught
 * exception, and reporting it writes to stderr again: an endless loop that
 * kept a CPU busy and left SIGTERM unanswered (reproduced with and without
 * --workers). Logs have nowhere to go then; serving Kapacitor's tasks must
 * go on, and signals must still stop the process. So the error is taken
 * here and later lines are dropped (the logger already ignores failed writes).
 */
export function tolerateClosedStderr(stderr: NodeJS.WriteStream = process.stderr): void {
  stderr.on('error', () => {
    // Nothing can be told: the only channel for it is the one that failed.
  });
}
