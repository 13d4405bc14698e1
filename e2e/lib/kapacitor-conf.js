'use strict';
// kapacitor.conf for a throwaway server: loopback HTTP only, every file in the
// temp dir, and nothing that reaches out (no InfluxDB but a local stand-in when
// given, no usage reporting, no
// stats, no config overrides stored between runs).

/** TOML basic string (JSON string escapes are valid TOML for what we write). */
function q(s) {
  return JSON.stringify(s);
}

/**
 * udfs: { name: { socket } | { prog, args } }
 * logLevel: DEBUG by default (the e2e checks read UDF log lines relayed by
 * Kapacitor); the benchmark lowers it, as logging costs per point.
 */
function kapacitorConf({ dataDir, port, udfs, udfTimeout = '10s', logLevel = 'DEBUG', influxdbUrl }) {
  const lines = [
    `hostname = "127.0.0.1"`,
    `data_dir = ${q(dataDir)}`,
    `skip-config-overrides = true`,
    ``,
    `[http]`,
    `  bind-address = ${q(`127.0.0.1:${port}`)}`,
    `  auth-enabled = false`,
    `  log-enabled = true`,
    `  pprof-enabled = false`,
    `  https-enabled = false`,
    ``,
    `[replay]`,
    `  dir = ${q(`${dataDir}/replay`)}`,
    `[storage]`,
    `  boltdb = ${q(`${dataDir}/kapacitor.db`)}`,
    `[task]`,
    `  dir = ${q(`${dataDir}/tasks`)}`,
    `[load]`,
    `  enabled = false`,
    ``,
    `[[influxdb]]`,
    // influxdbUrl: a stand-in InfluxDB (lib/fake-influxdb.js) for batch tasks and recordings.
    `  enabled = ${influxdbUrl !== undefined}`,
    `  default = true`,
    `  name = "default"`,
    `  urls = [${q(influxdbUrl ?? 'http://127.0.0.1:1')}]`,
    `  disable-subscriptions = true`,
    `  startup-timeout = "10s"`,
    ``,
    `[logging]`,
    `  file = "STDERR"`,
    `  level = ${q(logLevel)}`,
    `[config-override]`,
    `  enabled = false`,
    `[reporting]`,
    `  enabled = false`,
    `[stats]`,
    `  enabled = false`,
    ``,
    `[udf]`,
    `[udf.functions]`,
  ];
  for (const [name, udf] of Object.entries(udfs)) {
    lines.push(`  [udf.functions.${name}]`);
    if (udf.socket) {
      lines.push(`    socket = ${q(udf.socket)}`);
    } else {
      lines.push(`    prog = ${q(udf.prog)}`);
      lines.push(`    args = [${(udf.args ?? []).map(q).join(', ')}]`);
    }
    lines.push(`    timeout = ${q(udfTimeout)}`);
  }
  return `${lines.join('\n')}\n`;
}

module.exports = { kapacitorConf };
