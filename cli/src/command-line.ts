// The command line of `cascade`: every command with its arguments, options and examples, which is all that --help and
// --version need. Each action loads its command's module (commands/) only when that command runs, so a call loads
// the YAML parser, the repo model or a service only if its command uses them; bundle.test.ts keeps it that way.
import type { CAC } from 'cac';
import { COMMIT_TYPES } from '@cascade/common/api';
import { ROLES } from '@cascade/common/auth';
import type { CrashOutput } from './crash-output.ts';
import type { CommandResult } from './main.ts';
import type { Io } from './output.ts';
import type { RenderOptions } from './commands/render.ts';
import type { SecretsOptions } from './commands/secrets.ts';
import type { ValidateOptions } from './commands/validate.ts';

/** The config file the service commands read when given no --config; validate reads it too when it is there. */
export const DEFAULT_CONFIG = 'cascade.yaml';

/** What `cascade staging ACTION` can do. */
export const STAGING_ACTIONS = ['list', 'show', 'create', 'update', 'deploy', 'archive', 'restore', 'cleanup', 'logs'] as const;

/** Registers every command on `cli`; the running command hands its result to `done`, and a keyring it opens scrubs `crash`'s reports. */
export function registerCommands(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void, crash: CrashOutput): void {
  /** Runs a command from its module, loaded now. */
  const run = <M>(load: () => Promise<M>, call: (module: M) => Promise<CommandResult>) => done(load().then(call));
  const text = (value: string | undefined) => (value === undefined ? undefined : String(value));

  cli
    .command('validate', 'Check the resource repo: every problem as file:line:col, exit 1 on errors')
    .option('--repo <path|url>', 'Resource repo: a folder (read as it is on disk), a bare repository or a git URL', { default: '.' })
    .option('--ref <ref>', 'Branch, tag or commit to read instead of the files on disk or the default branch')
    .option('--config <file>', `The deployer's cascade.yaml: check deployers.yaml and every object against its targets' policies (default: ${DEFAULT_CONFIG} when it exists)`)
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .option('--age-identity <file>', 'Also check that every SOPS-encrypted file decrypts with this age identity file (repeatable)')
    .example('cascade validate --repo examples/shop')
    .example('cascade validate --repo ../shop.git --config /etc/cascade/cascade.yaml')
    .action((options: ValidateOptions) => run(() => import('./commands/validate.ts'), (m) => m.validate(options, io, crash)));

  cli
    .command('render [env]', 'Print the merged manifests of one environment (or a staging) as a YAML stream')
    .option('--staging <name>', 'Render a staging (stagings/<name>.yaml) instead of an environment')
    .option('--repo <path|url>', 'Resource repo: a folder (read as it is on disk), a bare repository or a git URL', { default: '.' })
    .option('--ref <ref>', 'Branch, tag or commit to read instead of the files on disk or the default branch')
    .option('-o, --output <format>', 'text (a YAML stream) or json', { default: 'text' })
    .option('--age-identity <file>', 'Decrypt SOPS files with this age identity file (repeatable); values still print as (secret)')
    .option('--show-secrets', 'Print decrypted values (needs --age-identity); the output then holds secrets')
    .example('cascade render dev --repo examples/shop')
    .example('cascade render prod --age-identity ~/.config/cascade/age.key --show-secrets')
    .example('cascade render --staging feature-x')
    .action((env: string | undefined, options: RenderOptions) => run(() => import('./commands/render.ts'), (m) => m.render(text(env), options, io, crash)));

  cli
    .command('deployer', 'Run the deployer: make every environment of deployers.yaml match the repo')
    .option('--config <file>', 'The cascade.yaml to read (repo, targets and deployer sections)', { default: DEFAULT_CONFIG })
    .example('cascade deployer --config cascade.yaml')
    .action((options: { config: string }) => run(() => import('./commands/deployer.ts'), (m) => m.runDeployer(String(options.config), io, crash)));
  cli
    .command('diff <env>', 'Show what deploying an environment would change (server-side dry run), without changing it')
    .option('--config <file>', 'The cascade.yaml to read', { default: DEFAULT_CONFIG })
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade diff dev --config cascade.yaml')
    .action((env: string, options: { config: string; output: string }) => run(() => import('./commands/deployer.ts'), (m) => m.runDiff(String(env), options, io, crash)));
  cli
    .command('deploy <env>', 'Deploy one environment once and report its rollout status; exit 0 only when Clean')
    .option('--config <file>', 'The cascade.yaml to read', { default: DEFAULT_CONFIG })
    .option('--once', 'Run one pass and exit (the only mode; the flag makes scripts read clearly)')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade deploy dev --once --config cascade.yaml')
    .action((env: string, options: { config: string; output: string }) => run(() => import('./commands/deployer.ts'), (m) => m.runDeployOnce(String(env), options, io, crash)));

  cli
    .command('up', 'Run the deployer, the transitioner and the aggregator (with the UI) in one process')
    .option('--config <file>', 'The cascade.yaml every service reads its section of', { default: DEFAULT_CONFIG })
    .example('cascade up --config cascade.yaml')
    .action((options: { config: string }) => run(() => import('./commands/up.ts'), (m) => m.runUp(String(options.config), io, crash)));

  cli
    .command('transitioner', 'Run the transitioner: promote versions between environments as transitions.yaml says')
    .option('--config <file>', 'The cascade.yaml to read (its repo, transitioner and aggregator.tokens sections)', { default: DEFAULT_CONFIG })
    .example('cascade transitioner --config cascade.yaml')
    .action((options: { config: string }) => run(() => import('./commands/transitioner.ts'), (m) => m.runTransitioner(String(options.config), io)));

  cli
    .command('push <resource> <version>', 'Publish a version of a resource (writes <env>/version/<resource>.yaml)')
    .option('--env <env>', "Environment to write to (default: the pipeline's entry environment, e.g. latest; a ci token may push only there or into aggregator.ciEnvironments)")
    .option('--lock-override <reason>', 'Operator or admin only: push into a locked environment or resource anyway; the reason is recorded in the commit')
    .option('--set <key=value>', 'A version-file field, parsed as a YAML scalar: replicas=2 is a number, debug=true a boolean (repeatable)')
    .option('--set-string <key=value>', 'A version-file field kept as a string, e.g. tag=0123 (repeatable)')
    .option('--secret <KEY=@file|KEY=@->', 'A secret, read from a file or (@-) stdin, encrypted by the aggregator into the version file; a push with secrets names all of them (repeatable)')
    .option('--remove-secret <KEY>', 'Drop a secret of the version file (repeatable)')
    .option('--changelog <file|->', 'Changelog from a file, or - for stdin; becomes the commit message body')
    .option('--author <"Name <email>">', 'Commit author (default: the token name)')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('git log -1 --format=%B | cascade push payments 1.4.2 --set image=registry/payments:1.4.2 --changelog -')
    .example('cascade push payments 1.4.2 --secret STRIPE_KEY=@stripe.key --secret DB_PASSWORD=@-')
    .action((resource: string, version: string, options: { output: string }) => run(() => import('./commands/push.ts'), (m) => m.push(cli, io, String(resource), String(version), options)));

  cli
    .command('lock <env> [resource]', 'Lock an environment (or one resource in it): transitions skip it until unlocked')
    .option('--reason <text>', 'Why (required); shown wherever the lock is shown')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade lock prod --reason "release freeze until Monday"')
    .action((env: string, resource: string | undefined, options: { output: string }) => run(() => import('./commands/lock.ts'), (m) => m.lock(cli, io, String(env), text(resource), options)));

  cli
    .command('unlock <env> [resource]', 'Remove a lock reason (or every reason without --reason); promotion resumes once none is left')
    .option('--reason <text>', 'Remove only this reason')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade unlock prod shop/cart')
    .action((env: string, resource: string | undefined, options: { output: string }) => run(() => import('./commands/unlock.ts'), (m) => m.unlock(cli, io, String(env), text(resource), options)));

  cli
    .command('status [env]', 'Show versions per environment, locks, rollout state and whether the services are reachable')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .option('--fields', 'With ENV: also list each version file\'s keys and values (values the token may not see show as (hidden))')
    .example('cascade status prod')
    .example('cascade status dev --fields')
    .action((env: string | undefined, options: { output: string; fields?: boolean }) => run(() => import('./commands/status.ts'), (m) => m.status(io, text(env), options)));

  cli
    .command('history', 'List commits: versions pushed, transitions, locks, rollbacks and manual edits, newest first')
    .option('--env <env>', 'Only commits touching this environment')
    .option('--resource <name>', 'Only commits touching this resource')
    .option('--type <type>', `Only commits of this type: ${COMMIT_TYPES.join(', ')}`)
    .option('--exclude-type <type>', 'Leave out commits of this type, e.g. Schedule')
    .option('--limit <n>', 'Page size, 1 to 200', { default: 50 })
    .option('--cursor <commit>', 'Continue where the previous page stopped')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade history --env prod --type Version')
    .example('cascade history --exclude-type Schedule')
    .action((options: { output: string; limit: number }) => run(() => import('./commands/history.ts'), (m) => m.history(cli, io, options)));

  cli
    .command('rollback [env] [resource]', 'Put a version the environment had before back, and lock the resource there so transitions keep it')
    .option('--to <version|commit>', 'The version to restore, or the commit whose version file to restore (required)')
    .option('--env <envs>', 'The environments, comma-separated, rolled back in one commit (instead of ENV): the first one\'s history names the version')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade rollback prod payments --to 1.4.1')
    .example('cascade rollback --env dev,pp shop/cart --to 1.5.1')
    .action((first: string | undefined, second: string | undefined, options: { output: string }) =>
      run(() => import('./commands/rollback.ts'), (m) => m.rollback(cli, io, text(first), text(second), options)));

  cli
    .command('promote <transition>', 'Run a transition from transitions.yaml now (locks and preconditions still apply)')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade promote prod')
    .action((transition: string, options: { output: string }) => run(() => import('./commands/promote.ts'), (m) => m.promote(io, String(transition), options)));

  cli
    .command('aggregator', 'Run the aggregator: the API for CI and people, the live status and the UI')
    .option('--config <file>', 'cascade.yaml', { default: DEFAULT_CONFIG })
    .example('cascade aggregator --config cascade.yaml')
    .action((options: { config: string }) => run(() => import('./commands/aggregator.ts'), (m) => m.runAggregator(String(options.config), io)));

  cli
    .command('token <action>', 'new: print a fresh token and its aggregator.tokens line; hash: print the sha256 of a token read from stdin')
    .option('--name <name>', 'Token name, recorded as the author of its commits', { default: 'ci' })
    .option('--role <role>', `One of ${ROLES.join(', ')}`, { default: 'ci' })
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade token new --name github-ci --role ci')
    .action((action: string, options: { output: string }) => run(() => import('./commands/token.ts'), (m) => m.token(cli, io, String(action), options)));

  cli
    .command('secrets <action> [file]', 'keygen: make an age identity (0600 with --file) and print its recipient; encrypt FILE: encrypt in place to its .sops.yaml rule (as sops -e -i); rotate: re-wrap every SOPS file of the working copy to its rule\'s recipients (as sops updatekeys)')
    .option('--file <path>', 'keygen: write the identity file here (mode 0600, never overwritten) instead of to stdout')
    .option('--age-identity <file>', 'rotate: an age identity file that opens the files (repeatable)')
    .option('--dir <path>', 'rotate: the working copy (default: the current folder)')
    .option('--no-commit', 'rotate: leave the re-encrypted files uncommitted (by default they become one commit when the folder is a git work tree)')
    .option('-o, --output <format>', 'text or json (json needs --file: it prints only the recipient and the path)', { default: 'text' })
    .example('cascade secrets keygen --file /etc/cascade/age.key')
    .example('cascade secrets encrypt prod/deployable/payments/api.secret.yaml')
    .example('cascade secrets rotate --age-identity ~/.config/cascade/ops.key')
    .action((action: string, file: string | undefined, options: SecretsOptions) => run(() => import('./commands/secrets.ts'), (m) => m.secrets(cli, io, String(action), text(file), options, new Date())));

  cli
    .command('staging <action> [name]', `Stagings: ${STAGING_ACTIONS.join(', ')} (deploy --from-branch creates or updates the branch's staging; cleanup is for admins)`)
    .option('--kind <kind>', 'create, deploy: a kind of stagings.yaml')
    .option('--tag <tag>', 'create, update, deploy: $version of every resource of the template, e.g. the commit id')
    .option('--from-branch <branch>', 'create, deploy, archive: the staging of this branch (named after it, recorded in it)')
    .option('--app <KEY=VALUE>', 'Application config (repeatable); replaces the staging\'s whole application config')
    .option('--deployment <KEY=VALUE>', 'Deployment config, read as YAML scalars: replicas=1 is a number (repeatable); replaces the whole deployment config')
    .option('--secret <KEY=@file|KEY=@->', 'Secret application config from a file or (@-) stdin, encrypted by the aggregator; once a staging has secrets, send all of them (repeatable)')
    .option('--remove-secret <KEY>', 'update, deploy: drop a secret of the staging (repeatable)')
    .option('--history', "logs: only the staging's commits, which every role may read (the action log and script output need an admin token)")
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade staging deploy --from-branch "$BRANCH" --kind feature --tag "$SHA"')
    .example('cascade staging archive --from-branch "$BRANCH"')
    .example('cascade staging create checkout-test --kind feature --tag 1.8.0-rc.2 --app FEATURE_FLAGS=new-checkout --secret STRIPE_KEY=@stripe.key')
    .example('cascade staging logs checkout-test')
    .action((action: string, name: string | undefined, options: { output: string; history?: boolean }) =>
      run(() => import('./commands/staging.ts'), (m) => m.staging(cli, io, String(action), text(name), options)),
    );
}
