// `cascade token new|hash`: make a bearer token and the config line that admits it (only its sha256 is stored).
import type { CAC } from 'cac';
import { generateToken, hashToken, isRole, ROLES } from '@cascade/common/auth';
import { TOKEN_NAME } from '@cascade/common/config';
import { rawOptionValue } from '../client/argv.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Makes a token (new) or hashes one from stdin (hash). */
export async function token(cli: CAC, io: Io, action: string, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  if (action === 'hash') {
    // Read from stdin, never argv: arguments end up in shell history and process listings.
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const secret = Buffer.concat(chunks).toString('utf8').trim();
    if (!secret) throw new CliError('no token on stdin', 'Pipe the token in: printf %s "$TOKEN" | cascade token hash', 'bad-argument', 2);
    io.out(format === 'json' ? JSON.stringify({ sha256: hashToken(secret) }) : hashToken(secret));
    return { exitCode: 0 };
  }
  if (action !== 'new') throw new CliError(`token ${action}: unknown action`, 'Use cascade token new or cascade token hash.', 'bad-argument', 2);
  const name = rawOptionValue(cli, 'name') ?? 'ci';
  const role = rawOptionValue(cli, 'role') ?? 'ci';
  if (!TOKEN_NAME.test(name)) throw new CliError(`--name ${name}: use letters, digits, ".", "_", "@" or "-"`, undefined, 'bad-argument', 2);
  if (!isRole(role)) throw new CliError(`--role ${role}: unknown role`, `Use one of ${ROLES.join(', ')}.`, 'bad-argument', 2);
  const secret = generateToken();
  const entry = { name, role, sha256: hashToken(secret) };
  if (format === 'json') printJson(io, { token: secret, ...entry });
  else {
    io.out(secret);
    io.err(`Give the token above to ${name} (e.g. as CASCADE_TOKEN); it is shown only now. Add this line under aggregator.tokens:`);
    io.err(`  - { name: ${name}, role: ${role}, sha256: ${entry.sha256} }`);
  }
  return { exitCode: 0 };
}
