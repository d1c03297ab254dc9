// The stagings of a script target: each staging is one script record, driven by its file's `state` through the
// control scripts in the background (a pass never waits on a script) and remembered on disk across restarts.
import { randomBytes } from 'node:crypto';
import type { ResourceError, StagingPhase, StagingStatus } from '@cascade/common';
import type { Logger } from '@cascade/common/service';
import type { ConfigTransport, ScriptProject } from '../scripts/arguments.ts';
import type { ScriptLogStore } from '../scripts/log-store.ts';
import type { LoggedCallContext } from '../scripts/logged-call.ts';
import { callLogged, failedCallText } from '../scripts/logged-call.ts';
import type { ScriptRun, ScriptRunnerOptions } from '../scripts/runner.ts';
import { succeeded } from '../scripts/runner.ts';
import { DEFAULT_CHECK_INTERVAL_MS, DEFAULT_SCRIPT_PARALLELISM } from '../scripts/script-target.ts';
import type { ScriptAction } from '../scripts/state-machine.ts';
import { healthFromExitCode, parseInfo } from '../scripts/state-machine.ts';
import { KeyedWorkQueue } from '../scripts/work-queue.ts';
import type { StagingDriver, StagingPass } from './driver.ts';
import type { StagingPacing, StagingScriptStep } from './script-decide.ts';
import { decideStagingStep } from './script-decide.ts';
import type { StagingScriptInput } from './script-input.ts';
import { secretsProblemOf, settingsFingerprint, stagingScriptInput, stagingWant } from './script-input.ts';
import type { RecordLimits, StagingScriptRecord } from './script-record.ts';
import { afterSuccess, newRecord, runOfCall, withCall } from './script-record.ts';
import { StagingRecordStore } from './script-record-store.ts';
import { scriptStagingStatus } from './script-status.ts';

/** Everything the staging driver of one script target needs. */
export interface ScriptStagingDriverOptions {
  /** The target's name from the deployer's config. */
  target: string;
  project: ScriptProject;
  runner: ScriptRunnerOptions;
  /** How config reaches the scripts; default `file`. */
  configTransport?: ConfigTransport;
  /** How often `check` runs per running staging; default `DEFAULT_CHECK_INTERVAL_MS`. */
  checkIntervalMs?: number;
  /** First repeat of a failing `archive_check` (it then doubles, up to `checkIntervalMs`); default 5 s. */
  archiveCheckRetryMs?: number;
  /** The target's queue, so its `parallelism` bounds environments and stagings together; a new one when absent. */
  queue?: KeyedWorkQueue;
  /** Slots of a new queue; default `DEFAULT_SCRIPT_PARALLELISM`. */
  parallelism?: number;
  logs: ScriptLogStore;
  logger: Logger;
  /** This target's directory of staging records, e.g. `<dataDir>/script-stagings/<target>`. */
  recordDir: string;
  limits?: RecordLimits;
  /**
   * How long the record of a staging missing from `retain` is kept before it is deleted; default 7 days. A staging
   * whose file cannot be read for a while is missing too, and must not lose its record (and be created again).
   */
  forgetAfterMs?: number;
  /** Told when background work changed a staging's status, so the service publishes it (a new pass). */
  onChange?: (staging: string) => void;
  /** Whether the target was closed: no more scripts start. */
  closed?: () => boolean;
}

/** A staging driver of a script target; `deploy` answers at once, the scripts run behind it. */
export interface ScriptStagingDriver extends StagingDriver {
  /** Changes when a job changed the staging or a check fell due, so the pass skips settled stagings only. */
  liveVersion(name: string): number | undefined;
  /** Forgets a staging missing from `names` and from the passes since, once it has been missing for `forgetAfterMs`. */
  retain(names: ReadonlySet<string>): void;
  /** Resolves once no script work of the target is waiting or running, and records to drop are gone. */
  settle(): Promise<void>;
  /** The record of a staging as last kept, or undefined. */
  record(name: string): StagingScriptRecord | undefined;
}

/** What the latest pass said about one staging. */
interface Latest {
  pass: StagingPass;
  input: StagingScriptInput;
  /** Decrypted values, cut out of what the record keeps. */
  secrets: string[];
}

interface Entry {
  record?: StagingScriptRecord;
  latest?: Latest;
  errors: ResourceError[];
  /** Changes with every change of the record or the errors (`liveVersion`). */
  version: number;
  /** Since when `retain` has missed it. */
  missingSince?: number;
}

/** Default `forgetAfterMs`. */
const FORGET_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Creates the driver; the records of the target's stagings are read on first use. */
export function createScriptStagingDriver(options: ScriptStagingDriverOptions): ScriptStagingDriver {
  const store = new StagingRecordStore(options.recordDir, options.target);
  const entries = new Map<string, Entry>();
  const queue = options.queue ?? new KeyedWorkQueue(options.parallelism ?? DEFAULT_SCRIPT_PARALLELISM, (key, error) => {
    options.logger.error('staging script job failed unexpectedly', { staging: key.split('\0').pop(), error: messageOf(error) });
  });
  const pacing: StagingPacing = { checkIntervalMs: options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS, ...(options.archiveCheckRetryMs === undefined ? {} : { archiveCheckRetryMs: options.archiveCheckRetryMs }) };
  const transport = options.configTransport ?? 'file';
  const calls: LoggedCallContext = options;
  const closed = options.closed ?? (() => false);
  const now = () => options.runner.clock.now();
  const forgetAfterMs = options.forgetAfterMs ?? FORGET_AFTER_MS;
  // Stagings handed to `deploy` since the last `retain`: those marked for cleanup are not among its names.
  const deployedSinceRetain = new Set<string>();
  let versions = 0;
  const loaded = load();
  // Each deploy reports a failed read on its staging; this only keeps the rejection from counting as unhandled.
  loaded.catch((error: unknown) => options.logger.error('staging records could not be read', { dir: options.recordDir, error: messageOf(error) }));
  let retaining: Promise<void> = Promise.resolve();

  /** Reads the records back, and the calls they keep into the log store, so admins see them after a restart too. */
  async function load(): Promise<void> {
    const { records, unreadable } = await store.loadAll();
    for (const { file, reason } of unreadable) options.logger.warn('staging record ignored', { file, reason });
    for (const record of records) {
      entries.set(record.name, { record, errors: [], version: ++versions });
      for (const call of record.calls) options.logs.add(record.name, record.name, runOfCall(call));
    }
  }

  /** The step due for a staging now, from its record and the latest pass. */
  function stepOf(entry: Entry): StagingScriptStep {
    const input = entry.latest?.input;
    if (input === undefined || !input.ok) return { kind: 'idle' };
    return decideStagingStep(entry.record, stagingWant(input, entry.record?.salt ?? ''), now(), pacing);
  }

  function statusOf(entry: Entry, latest: Latest): StagingStatus {
    const { input } = latest;
    return scriptStagingStatus({
      deployment: latest.pass.deployment, links: latest.pass.links, input, record: entry.record, step: stepOf(entry), errors: entry.errors,
      ...(input.ok ? { want: stagingWant(input, entry.record?.salt ?? '') } : {}),
    });
  }

  /** Keeps `record` as the staging's record, in memory first so a failing disk never makes a step run twice. */
  async function keep(name: string, entry: Entry, record: StagingScriptRecord): Promise<void> {
    entry.record = record;
    entry.version = ++versions;
    // A staging forgotten meanwhile (its file is gone) must not get its record back.
    if (entries.get(name) === entry) await store.save(record);
  }

  /** Runs one script of the staging, keeps its log and, but for `check`, a trace in the record. */
  async function call(name: string, entry: Entry, latest: Latest, action: ScriptAction, extraArgs: string[] = []): Promise<{ run: ScriptRun; ok: boolean }> {
    if (!latest.input.ok) throw new Error('no script input');
    const result = await callLogged(calls, { env: name, resource: name }, action, latest.input.call, extraArgs);
    // Health checks repeat forever and would push the calls that matter out of the record; the log store has them.
    if (action !== 'check') entry.record = withCall(entry.record!, result.run, latest.secrets, options.limits);
    return result;
  }

  /** Moves the staging to `next`, telling `notifications` when the phase changes, and keeps the record. */
  async function moveTo(name: string, entry: Entry, latest: Latest, next: StagingPhase): Promise<void> {
    const previous = entry.record!.phase ?? 'None';
    await keep(name, entry, { ...entry.record!, phase: next });
    if (previous !== next) {
      await call(name, entry, latest, 'notifications', ['--state', next, '--previous-state', previous]);
      await keep(name, entry, entry.record!);
    }
  }

  /** Carries out a `run` step: the pending phase, each action in order, then the success or failure phase. */
  async function runStep(name: string, entry: Entry, latest: Latest, step: Extract<StagingScriptStep, { kind: 'run' }>): Promise<void> {
    if (!latest.input.ok) return;
    const { failure: _previous, ...fresh } = entry.record ?? newRecord(name, options.target, randomBytes(16).toString('hex'));
    entry.record = { ...fresh, lastActionAt: now().toISOString() };
    const want = stagingWant(latest.input, entry.record.salt);
    await moveTo(name, entry, latest, step.pending);
    for (const action of step.actions) {
      const { run, ok } = await call(name, entry, latest, action);
      const at = now().toISOString();
      if (!ok && action === 'archive_check') {
        // The archive ran; it may only need time to complete, so `archive_check` is asked again at its own pace.
        return keep(name, entry, { ...entry.record!, archiveCheck: { attempts: 1, at, reason: failedCallText(action, run) } });
      }
      if (!ok) {
        entry.record = { ...entry.record!, failure: { action, reason: `${failedCallText(action, run)} (see the control-script logs)`, at, attempt: want.attempt, phase: step.failure } };
        return moveTo(name, entry, latest, step.failure);
      }
      entry.record = afterSuccess(entry.record!, action, { at, commit: latest.pass.commit, settings: settingsFingerprint(latest.input.settings, entry.record!.salt), tag: latest.input.settings.tag });
    }
    if (step.success === 'Running') {
      const info = await call(name, entry, latest, 'info');
      const { health: _stale, ...record } = entry.record!;
      // The scripts just answered for the staging: its health is asked `checkInterval` from now.
      entry.record = { ...record, links: succeeded(info.run) ? parseInfo(info.run.stdout) : [], checkedAt: now().toISOString() };
    }
    return moveTo(name, entry, latest, step.success);
  }

  /** Asks `archive_check` again after the archive ran. */
  async function confirmArchive(name: string, entry: Entry, latest: Latest): Promise<void> {
    const { run, ok } = await call(name, entry, latest, 'archive_check');
    const at = now().toISOString();
    if (!ok) {
      const attempts = (entry.record!.archiveCheck?.attempts ?? 0) + 1;
      return keep(name, entry, { ...entry.record!, archiveCheck: { attempts, at, reason: failedCallText('archive_check', run) } });
    }
    if (!latest.input.ok) return;
    entry.record = afterSuccess(entry.record!, 'archive_check', { at, commit: latest.pass.commit, settings: settingsFingerprint(latest.input.settings, entry.record!.salt), tag: latest.input.settings.tag });
    return moveTo(name, entry, latest, 'Archived');
  }

  /** Takes one step for a staging, decided when the job starts from what the latest pass saw. */
  async function takeStep(name: string, entry: Entry): Promise<void> {
    const latest = entry.latest;
    if (latest === undefined) return;
    const step = stepOf(entry);
    if (step.kind === 'idle') return;
    if (step.kind === 'run') return runStep(name, entry, latest, step);
    if (step.kind === 'confirm-archive') return confirmArchive(name, entry, latest);
    const { run } = await call(name, entry, latest, 'check');
    await keep(name, entry, { ...entry.record!, health: healthFromExitCode(run.exitCode), checkedAt: now().toISOString() });
  }

  /** One job: a step, the next one if it is due straight away, and word to the service if the status changed. */
  async function work(name: string): Promise<void> {
    const entry = entries.get(name);
    const latest = entry?.latest;
    if (entry === undefined || latest === undefined) return;
    const before = JSON.stringify(statusOf(entry, latest));
    let failed = false;
    try {
      await takeStep(name, entry);
      if (entry.errors.length > 0) entry.version = ++versions;
      entry.errors = [];
    } catch (error) {
      // Reported on the staging and not retried straight away: the next pass decides again.
      failed = true;
      entry.version = ++versions;
      entry.errors = [{ code: 'internal-error', message: `the deployer failed running this staging's scripts: ${messageOf(error)}` }];
      options.logger.error('staging script step failed unexpectedly', { staging: name, error: messageOf(error) });
    }
    if (closed() || entries.get(name) !== entry) return;
    // A restore leads to an update, an update after a change: run steps follow at once; checks wait for a pass.
    if (!failed && stepOf(entry).kind === 'run') schedule(name);
    if (JSON.stringify(statusOf(entry, entry.latest ?? latest)) !== before) options.onChange?.(name);
  }

  function schedule(name: string): void {
    // A leading NUL keeps staging jobs apart from the environments' `env\0resource` keys on a shared queue.
    queue.enqueue(`\0staging\0${name}`, () => work(name));
  }

  /** Drops what is kept for a staging whose file is gone. */
  async function forget(name: string): Promise<void> {
    entries.delete(name);
    options.logs.forget(name, name);
    await store.remove(name);
  }

  /** Marks the stagings `retain` and the passes since missed, and forgets those missed for `forgetAfterMs`. */
  function missed(names: ReadonlySet<string>): string[] {
    const at = now().getTime();
    const gone: string[] = [];
    for (const [name, entry] of entries) {
      if (names.has(name) || deployedSinceRetain.has(name)) delete entry.missingSince;
      else if (entry.missingSince === undefined) entry.missingSince = at;
      else if (at - entry.missingSince >= forgetAfterMs) gone.push(name);
    }
    deployedSinceRetain.clear();
    return gone;
  }

  return {
    async deploy(pass: StagingPass): Promise<StagingStatus> {
      await loaded;
      const { staging } = pass.deployment;
      const entry = entries.get(staging.name) ?? { errors: [], version: ++versions };
      entries.set(staging.name, entry);
      deployedSinceRetain.add(staging.name);
      const input = stagingScriptInput({ project: options.project, transport }, pass.deployment, pass.appSecrets, secretsProblemOf(pass.rendered));
      const latest: Latest = { pass, input, secrets: Object.values(pass.appSecrets) };
      if (entry.latest?.input.ok !== input.ok) entry.version = ++versions;
      entry.latest = latest;
      // Scripts run behind the pass; the status says what is pending meanwhile.
      if (stepOf(entry).kind !== 'idle' && !closed()) schedule(staging.name);
      return statusOf(entry, latest);
    },
    liveVersion(name: string): number | undefined {
      const entry = entries.get(name);
      if (entry?.latest === undefined) return undefined;
      // A check or an archive_check that fell due is news only a `deploy` can act on.
      return stepOf(entry).kind === 'idle' ? entry.version : ++versions;
    },
    retain(names: ReadonlySet<string>): void {
      retaining = retaining
        .then(() => loaded)
        .then(() => Promise.all(missed(names).map(forget)))
        .then(() => {}, (error: unknown) => options.logger.error('staging records could not be dropped', { error: messageOf(error) }));
    },
    settle: async () => {
      await loaded;
      await queue.settle();
      await retaining;
    },
    record: (name) => entries.get(name)?.record,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
