// The live steering control: `<cache>/serve/steering` holds one steer spec (`calm:+0.1` or `off`),
// written by the extension from its steering setting and read by the endpoint at the start of
// every reply, so a change applies from the next reply on. A file, not a network route: only
// this user can write it (the folder and file are owner-only, and a file others can write is
// refused), and the endpoint gains no way in beyond the chat API.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeServeFile } from '../storage/serve-endpoint';
import { parseSteer, SteerSpecError, type SteerChoice } from './steer-option';

export function steeringControlPath(folder: string): string {
  return join(folder, 'steering');
}

/** The spec form of a choice: `off`, or `emotion:±α`. */
export function steerSpec(choice: SteerChoice | null): string {
  if (!choice) return 'off';
  return `${choice.emotion}:${choice.alpha >= 0 ? '+' : ''}${choice.alpha}`;
}

export function writeSteeringControl(folder: string, choice: SteerChoice | null): void {
  parseSteer(steerSpec(choice)); // refuses an α outside the safe range before anything is written
  writeServeFile(steeringControlPath(folder), folder, `${steerSpec(choice)}\n`);
}

/** Longest control file read: a spec is a few characters. */
const MAX_CONTROL_BYTES = 256;

/**
 * The control's choice (null: off), or undefined when there is no control file. Throws
 * SteerSpecError for a file that is not a plain file of this user's, that others may write, or
 * that does not hold a valid spec.
 */
export function readSteeringControl(folder: string): SteerChoice | null | undefined {
  const path = steeringControlPath(folder);
  let info;
  try {
    info = lstatSync(path);
  } catch {
    return undefined;
  }
  if (!info.isFile() || info.size > MAX_CONTROL_BYTES)
    throw new SteerSpecError(`steering control ${path} is not a small plain file: ignored`);
  const uid = process.getuid?.();
  if (uid !== undefined && (info.uid !== uid || (info.mode & 0o022) !== 0))
    throw new SteerSpecError(`steering control ${path} is not owner-only or not this user's: ignored`);
  return parseSteer(readFileSync(path, 'utf8'));
}
