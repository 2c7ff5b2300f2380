// What a benchmark report says about the machine it ran on, load included: on a shared machine
// the load around a run is part of reading its numbers.
import { cpus, loadavg } from 'node:os';

export function machineReport(loadAverageAtStart: number[]) {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    loadAverageAtStart,
    loadAverageAtEnd: loadavg(),
  };
}
