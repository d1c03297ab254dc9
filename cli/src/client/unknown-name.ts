// The refusal of a name the repo does not have, the same for every command: exit 1, the name meant as the hint.
import { closestName } from '@cascade/common/api';
import { CliError } from '../errors.ts';

/** Most known names a hint lists; a large repo would otherwise print thousands. */
const LISTED = 20;

/** A CliError (exit 1, `code`) saying `message`, with "Did you mean …?" when a known name is close, then the known names. */
export function unknownNameError(name: string, known: readonly string[], message: string, code: string): CliError {
  const suggestion = closestName(name, known);
  const listed = `Known: ${known.slice(0, LISTED).join(', ') || 'none'}${known.length > LISTED ? `, and ${known.length - LISTED} more` : ''}.`;
  return new CliError(message, suggestion ? `Did you mean ${suggestion}? ${listed}` : listed, code, 1);
}
