import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes (Linux /proc/<pid>/status VmRSS). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export const MiB = 1024 * 1024;
