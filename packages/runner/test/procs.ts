import { readdirSync, readFileSync } from 'node:fs';

/** pids of live processes whose environment holds `MLFLOW_RUN_ID=<runId>` (every process the run started). */
export function processesOfRun(runId: string): number[] {
  const marker = `MLFLOW_RUN_ID=${runId}`;
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return [];
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker) ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}
