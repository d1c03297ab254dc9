// `cascade deployer`, `cascade diff ENV` and `cascade deploy ENV --once`: the deployer as a service and as one-shot commands.
import type { CrashOutput } from '../crash-output.ts';
import { CliError } from '../errors.ts';
import { loadServiceConfig, scrubbingKeyring, untilSignal } from '../service-config.ts';
import { outputFormat, printJson, type Io } from '../output.ts';
import type { CommandResult } from '../main.ts';

/** Runs the deployer service until a signal. */
export async function runDeployer(file: string, io: Io, crash: CrashOutput): Promise<CommandResult> {
  const config = await loadServiceConfig(file, io);
  const [{ startDeployer }, { createLogger }] = await Promise.all([loadDeployer(), import('@cascade/common/service')]);
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const running = await startDeployer(config, { logger, keyring: await scrubbingKeyring(config, crash) });
  io.err(`deployer listening on ${running.url}`);
  io.err(`${await untilSignal()}: stopping the deployer`);
  await running.stop();
  return { exitCode: 0 };
}

/** Prints the dry-run differences of one environment. */
export async function runDiff(env: string, options: { config: string; output: string }, io: Io, crash: CrashOutput): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const config = await loadServiceConfig(options.config, io);
  const { diff } = await loadDeployer();
  const keyring = await scrubbingKeyring(config, crash);
  const result = await oneShot(async () => diff(config, env, { logger: await quietLogger(), keyring }));
  if (format === 'json') printJson(io, result);
  else {
    if (result.entries.length === 0 && result.errors.length === 0) io.out(`${env} at ${result.commit.slice(0, 12)}: no changes`);
    for (const entry of result.entries) io.out(`${entry.action.padEnd(7)} ${entry.resource}  ${entry.object}${entry.changes?.length ? `  (${entry.changes.join(', ')})` : ''}`);
    for (const error of result.errors) io.err(`error   ${error.resource}: ${error.message}${error.file ? ` (${error.file})` : ''}`);
  }
  return { exitCode: result.errors.length > 0 ? 1 : 0 };
}

/** Deploys once and prints the environment's status; exit 0 when Clean. */
export async function runDeployOnce(env: string, options: { config: string; output: string }, io: Io, crash: CrashOutput): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const config = await loadServiceConfig(options.config, io);
  const { deployOnce } = await loadDeployer();
  const keyring = await scrubbingKeyring(config, crash);
  const result = await oneShot(async () => deployOnce(config, env, { logger: await quietLogger(), keyring }));
  if (format === 'json') printJson(io, result.status);
  else {
    const status = result.status;
    io.out(`${env}: ${status.state} at ${status.commit?.slice(0, 12) ?? 'no commit'}${status.unreachable ? ` (unreachable since ${status.unreachable.since}: ${status.unreachable.message})` : ''}`);
    for (const error of status.errors ?? []) io.err(`  error: ${error.message}`);
    for (const resource of status.resources) {
      const reason = resource.reason ? ` ${resource.reason}` : '';
      io.out(`  ${resource.name.padEnd(32)} ${String(resource.state).padEnd(11)} ${resource.liveVersion ?? '-'}${reason}`);
      for (const error of resource.errors) io.err(`  error ${resource.name}: ${error.message}${error.file ? ` (${error.file})` : ''}`);
    }
  }
  return { exitCode: result.clean ? 0 : 1 };
}

/** Turns the deployer's command errors (unknown env, unreachable cluster) into messages with a hint. */
async function oneShot<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const { DeployCommandError } = await loadDeployer();
    if (error instanceof DeployCommandError) throw new CliError(error.message, 'Check deployers.yaml and the targets in cascade.yaml.', error.code, 1);
    throw error;
  }
}

/** One-shot commands print their own summary; the service log stays at warnings. */
async function quietLogger() {
  const { createLogger } = await import('@cascade/common/service');
  return createLogger({ level: 'warn', format: 'text' });
}

/** The deployer, loaded on use: client commands must not pay for starting the services' libraries. */
function loadDeployer() {
  return import('@cascade/deployer');
}
