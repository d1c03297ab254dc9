// `cascade staging list|show|create|update|deploy|archive|restore|cleanup|logs`: short-lived copies of an environment,
// through the aggregator's `/api/v1/stagings`; each change is one commit, answered once it is on the remote.
import type { CAC } from 'cac';
import type { StagingActionLog, StagingWriteResponse } from '@cascade/common/api';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue, rawOptionValues } from '../client/argv.ts';
import { shortCommit } from '../client/table.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io, type OutputFormat } from '../output.ts';
import { STAGING_ACTIONS } from '../command-line.ts';
import { appOption, deploymentOption, secretsOption } from './staging-args.ts';
import { stagingActionLogText, stagingDetailText, stagingHistoryText, stagingListText } from './staging-output.ts';

type Action = (typeof STAGING_ACTIONS)[number];

/** Runs one staging action through the aggregator and prints its answer. */
export async function staging(cli: CAC, io: Io, action: string, name: string | undefined, options: { output: string; history?: boolean }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const historyOnly = options.history === true;
  if (!(STAGING_ACTIONS as readonly string[]).includes(action)) throw new CliError(`staging ${action}: unknown action`, `Use one of ${STAGING_ACTIONS.join(', ')}.`, 'bad-argument', 2);
  const client = AggregatorClient.fromEnv();
  switch (action as Action) {
    case 'list': {
      const list = await client.stagings();
      if (format === 'json') printJson(io, list);
      else io.out(stagingListText(list));
      return { exitCode: 0 };
    }
    case 'show': {
      const detail = await client.staging(required(name, 'show'));
      if (format === 'json') printJson(io, detail);
      else io.out(stagingDetailText(detail));
      return { exitCode: 0 };
    }
    case 'logs': {
      const target = required(name, 'logs');
      // The action log needs an admin token; asked first, so a refusal comes before any output.
      const log = historyOnly ? undefined : await actionLog(client, target);
      const { history } = await client.staging(target);
      if (format === 'json') printJson(io, { ...(log ?? { name: target }), history });
      else io.out([...(log === undefined ? [] : [stagingActionLogText(log), '', 'HISTORY']), stagingHistoryText(history)].join('\n'));
      return { exitCode: 0 };
    }
    case 'create': {
      const settings = await settingsOf(cli, { kind: true, tag: true });
      const answer = await client.createStaging({ ...targetOf(cli, name, 'create'), kind: settings.kind!, tag: settings.tag!, ...settings.rest });
      return written(io, format, answer);
    }
    case 'deploy': {
      const settings = await settingsOf(cli, { kind: true, tag: true });
      const answer = await client.deployStaging({ ...targetOf(cli, name, 'deploy'), kind: settings.kind!, tag: settings.tag!, ...settings.rest, ...removeSecrets(cli) });
      return written(io, format, answer);
    }
    case 'update': {
      const settings = await settingsOf(cli, { kind: false, tag: false });
      const request = { ...(settings.tag === undefined ? {} : { tag: settings.tag }), ...settings.rest, ...removeSecrets(cli) };
      if (Object.keys(request).length === 0) throw new CliError('update needs something to change', 'Give --tag, --app, --deployment, --secret or --remove-secret.', 'bad-argument', 2);
      return written(io, format, await client.updateStaging(required(name, 'update'), request));
    }
    case 'archive': {
      const branch = rawOptionValue(cli, 'from-branch');
      if ((branch === undefined) === (name === undefined)) throw new CliError('archive needs a NAME or --from-branch, not both', 'e.g. cascade staging archive feature-x, or in CI: cascade staging archive --from-branch "$BRANCH"', 'bad-argument', 2);
      return written(io, format, await client.archiveStaging(branch === undefined ? { name: name! } : { fromBranch: branch }));
    }
    case 'restore':
      return written(io, format, await client.restoreStaging(required(name, 'restore')));
    case 'cleanup':
      return written(io, format, await client.cleanupStaging(required(name, 'cleanup')));
  }
}

/** `GET /stagings/{name}/actions`, its refusals with advice for this command. */
async function actionLog(client: AggregatorClient, name: string): Promise<StagingActionLog> {
  try {
    return await client.stagingActions(name);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    if (error.code === 'forbidden') throw new CliError(error.message, `The action log and control-script output are for admin tokens (logs:read); cascade staging logs ${name} --history shows the staging's commits to every role.`, error.code, error.exitCode);
    if (error.code.startsWith('deployer-')) throw new CliError(error.message, `The deployer keeps the action log; cascade staging logs ${name} --history shows the staging's commits meanwhile.`, error.code, error.exitCode);
    throw error;
  }
}

/** The settings options; `kind` and `tag` required where the action needs them. */
async function settingsOf(cli: CAC, need: { kind: boolean; tag: boolean }) {
  const kind = rawOptionValue(cli, 'kind');
  const tag = rawOptionValue(cli, 'tag');
  if (need.kind && kind === undefined) throw new CliError('--kind is required', 'Name a kind of stagings.yaml, e.g. --kind feature (cascade staging list shows them).', 'bad-argument', 2);
  if (need.tag && tag === undefined) throw new CliError('--tag is required', 'Give the version every resource of the template gets, e.g. --tag "$SHA".', 'bad-argument', 2);
  const app = appOption(cli);
  const deployment = deploymentOption(cli);
  const secrets = await secretsOption(cli);
  const rest = { ...(app === undefined ? {} : { app }), ...(deployment === undefined ? {} : { deployment }), ...(secrets === undefined ? {} : { secrets }) };
  return { kind, tag, rest };
}

/** `--remove-secret` as the request field. */
function removeSecrets(cli: CAC): { removeSecrets?: string[] } {
  const keys = rawOptionValues(cli, 'remove-secret');
  return keys.length > 0 ? { removeSecrets: keys } : {};
}

/** NAME or `--from-branch`, exactly one. */
function targetOf(cli: CAC, name: string | undefined, action: string): { name: string } | { fromBranch: string } {
  const branch = rawOptionValue(cli, 'from-branch');
  if ((branch === undefined) === (name === undefined)) throw new CliError(`${action} needs a NAME or --from-branch, not both`, `e.g. cascade staging ${action} --from-branch "$BRANCH" --kind feature --tag "$SHA"`, 'bad-argument', 2);
  return branch === undefined ? { name: name! } : { fromBranch: branch };
}

function required(name: string | undefined, action: string): string {
  if (name === undefined) throw new CliError(`${action} needs the staging's NAME`, `e.g. cascade staging ${action} feature-x`, 'bad-argument', 2);
  return name;
}

/** Prints a write's answer: what happened and the commit. */
function written(io: Io, format: OutputFormat, answer: StagingWriteResponse): CommandResult {
  if (format === 'json') printJson(io, answer);
  else io.out(answer.status === 'created' ? `${answer.message}: commit ${shortCommit(answer.commit)}` : answer.message);
  return { exitCode: 0 };
}
