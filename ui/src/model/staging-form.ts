// The create and edit forms of a staging as pure data: the draft people type, the name the API will create, the
// problems the form can see before sending, the request it sends, and where an API refusal belongs in the form.
import { longestNameFor, stagingNameFromBranch, WITHHELD } from '@cascade/common/api';
import type { CreateStagingRequest, SecretKeyView, StagingDetail, StagingKindView, UpdateStagingRequest, YamlValue } from '../api/wire.ts';

/** One key/value row of application or deployment config. */
export interface ConfigRow {
  key: string;
  /** As typed; deployment values are read as JSON when they parse (numbers, true/false), else as text. */
  value: string;
  /** The API withheld the value from this role: the row keeps it only while the map is left as it is. */
  hidden: boolean;
}

/** One secret: a new one, or one the staging has (shown as who set it, never its value). */
export interface SecretRow {
  key: string;
  /** A new value; '' keeps the one set (when nothing else about the secrets changes). */
  value: string;
  existing?: SecretKeyView;
  /** Drop this secret. */
  remove: boolean;
}

/** What the form holds. */
export interface StagingDraft {
  /** As typed: a branch name or anything; normalisedName says what the staging will be called. */
  name: string;
  kind: string;
  tag: string;
  app: ConfigRow[];
  deployment: ConfigRow[];
  secrets: SecretRow[];
}

/** A part of the form a problem belongs to; `form` is the whole request. */
export type DraftField = 'name' | 'kind' | 'tag' | 'app' | 'deployment' | 'secrets' | 'form';

/** Problems by the part of the form they belong to. */
export type DraftProblems = Partial<Record<DraftField, string>>;

/** An empty draft for the create form, of the first kind. */
export function emptyDraft(kinds: readonly StagingKindView[]): StagingDraft {
  return { name: '', kind: kinds[0]?.name ?? '', tag: '', app: [], deployment: [], secrets: [] };
}

/** The draft of an existing staging, for the edit form; withheld values stay unknown, secrets show who set them. */
export function draftOf(detail: StagingDetail): StagingDraft {
  const withheld = new Set(detail.withheld ?? []);
  const rows = (map: Record<string, YamlValue>, prefix: string, text: (value: YamlValue) => string): ConfigRow[] =>
    Object.entries(map).map(([key, value]) => {
      const hidden = withheld.has(`${prefix}.${key}`) || value === WITHHELD;
      return { key, value: hidden ? '' : text(value), hidden };
    });
  return {
    name: detail.name,
    kind: detail.kind,
    tag: detail.tag,
    app: rows(detail.app, 'app', String),
    deployment: rows(detail.deployment, 'deployment', deploymentText),
    secrets: detail.secrets.map((existing) => ({ key: existing.key, value: '', existing, remove: false })),
  };
}

/** The staging name the API will create from what was typed, for a kind; `cut` when it was shortened with a hash. */
export function normalisedName(typed: string, kind: Pick<StagingKindView, 'namespace'> | undefined): { name?: string; cut: boolean; longest: number } {
  const longest = longestNameFor(kind?.namespace);
  const name = stagingNameFromBranch(typed.trim(), longest);
  const whole = stagingNameFromBranch(typed.trim(), Number.MAX_SAFE_INTEGER);
  return { ...(name === undefined ? {} : { name }), cut: name !== undefined && name !== whole, longest };
}

/** A deployment value from its text: JSON when it parses (`1`, `true`, `"1"`, `{…}`), otherwise the text itself. */
export function deploymentValue(text: string): YamlValue {
  try {
    return JSON.parse(text) as YamlValue;
  } catch {
    return text;
  }
}

/** The text of a deployment value that deploymentValue reads back as the same value. */
export function deploymentText(value: YamlValue): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  // A string that would read as JSON (`1`, `true`, `"x"`) is written quoted, so it stays a string.
  try {
    JSON.parse(value);
    return JSON.stringify(value);
  } catch {
    return value;
  }
}

/** What the form can tell before sending; the API checks the rest and its refusals land at their field (fieldOfRefusal). */
export function draftProblems(draft: StagingDraft, original: StagingDraft | undefined, kind: StagingKindView | undefined): DraftProblems {
  const problems: DraftProblems = {};
  if (original === undefined) {
    if (draft.name.trim() === '') problems.name = 'Give the staging a name';
    else if (normalisedName(draft.name, kind).name === undefined) problems.name = 'The name needs at least one letter or digit';
    if (kind === undefined) problems.kind = 'Choose a kind';
  }
  if (draft.tag.trim() === '') problems.tag = 'Give a tag: the version every resource of the template runs';
  const app = configProblem(draft.app, original?.app);
  if (app) problems.app = app;
  const deployment = configProblem(draft.deployment, original?.deployment);
  if (deployment) problems.deployment = deployment;
  const secrets = secretsProblem(draft.secrets);
  if (secrets) problems.secrets = secrets;
  return problems;
}

function configProblem(rows: readonly ConfigRow[], original: readonly ConfigRow[] | undefined): string | undefined {
  const filled = rows.filter((row) => row.key.trim() !== '' || row.value !== '');
  const missingKey = filled.find((row) => row.key.trim() === '');
  if (missingKey) return 'Every value needs a key';
  const keys = filled.map((row) => row.key.trim());
  const twice = keys.find((key, index) => keys.indexOf(key) !== index);
  if (twice !== undefined) return `${twice} is given twice`;
  if (original !== undefined && configChanged(rows, original)) {
    const hidden = rows.find((row) => row.hidden && row.value === '');
    if (hidden) return `The value of ${hidden.key} is hidden from your role: changing this config sends it whole, so enter ${hidden.key} again or remove the row`;
  }
  return undefined;
}

function secretsProblem(rows: readonly SecretRow[]): string | undefined {
  const added = rows.filter((row) => row.existing === undefined && (row.key.trim() !== '' || row.value !== ''));
  const unnamed = added.find((row) => row.key.trim() === '');
  if (unnamed) return 'Every secret needs a name';
  const empty = added.find((row) => row.value === '');
  if (empty) return `Enter a value for ${empty.key.trim()}`;
  const names = rows.filter((row) => !row.remove).map((row) => row.key.trim()).filter((key) => key !== '');
  const twice = names.find((key, index) => names.indexOf(key) !== index);
  if (twice !== undefined) return `${twice} is given twice`;
  if (!secretsChanged(rows)) return undefined;
  const kept = rows.filter((row) => row.existing !== undefined && !row.remove && row.value === '').map((row) => row.key);
  if (kept.length > 0) {
    return `Cascade cannot read the secrets it keeps, so changing one sends them all: enter ${kept.join(', ')} again, or remove ${kept.length === 1 ? 'it' : 'them'}`;
  }
  return undefined;
}

/** The `POST /stagings` body of a draft. */
export function createRequest(draft: StagingDraft, kind: StagingKindView | undefined): CreateStagingRequest {
  const app = appMap(draft.app);
  const deployment = deploymentMap(draft.deployment);
  const secrets = secretMap(draft.secrets);
  return {
    name: normalisedName(draft.name, kind).name ?? '',
    kind: draft.kind,
    tag: draft.tag.trim(),
    ...(Object.keys(app).length > 0 ? { app } : {}),
    ...(Object.keys(deployment).length > 0 ? { deployment } : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

/** The `PATCH /stagings/{name}` body of an edited draft: only what changed; undefined when nothing did. */
export function updateRequest(draft: StagingDraft, original: StagingDraft): UpdateStagingRequest | undefined {
  const request: UpdateStagingRequest = {};
  if (draft.tag.trim() !== original.tag) request.tag = draft.tag.trim();
  if (configChanged(draft.app, original.app)) request.app = appMap(draft.app);
  if (configChanged(draft.deployment, original.deployment)) request.deployment = deploymentMap(draft.deployment);
  if (secretsChanged(draft.secrets)) {
    request.secrets = secretMap(draft.secrets);
    const removed = draft.secrets.filter((row) => row.existing !== undefined && row.remove).map((row) => row.key);
    if (removed.length > 0) request.removeSecrets = removed;
  }
  return Object.keys(request).length > 0 ? request : undefined;
}

/** Where an API refusal belongs: its `details.field` (`name`, `app.FOO`, `secrets`) to the part of the form, and the row key. */
export function fieldOfRefusal(field: string | undefined): { field: DraftField; key?: string } {
  if (field === undefined) return { field: 'form' };
  const [head = '', ...rest] = field.split('.');
  const key = rest.length > 0 ? { key: rest.join('.') } : {};
  switch (head) {
    case 'name':
    case 'fromBranch':
      return { field: 'name' };
    case 'kind':
    case 'tag':
      return { field: head };
    case 'app':
    case 'deployment':
      return { field: head, ...key };
    case 'secrets':
    case 'removeSecrets':
      return { field: 'secrets', ...key };
    default:
      return { field: 'form' };
  }
}

function configChanged(rows: readonly ConfigRow[], original: readonly ConfigRow[]): boolean {
  const text = (list: readonly ConfigRow[]) => JSON.stringify(list.filter((row) => row.key.trim() !== '' || row.value !== '').map((row) => [row.key.trim(), row.value, row.hidden]));
  return text(rows) !== text(original);
}

function secretsChanged(rows: readonly SecretRow[]): boolean {
  return rows.some((row) => row.remove || row.value !== '' || (row.existing === undefined && row.key.trim() !== ''));
}

function appMap(rows: readonly ConfigRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((row) => row.key.trim() !== '').map((row) => [row.key.trim(), row.value]));
}

function deploymentMap(rows: readonly ConfigRow[]): Record<string, YamlValue> {
  return Object.fromEntries(rows.filter((row) => row.key.trim() !== '').map((row) => [row.key.trim(), deploymentValue(row.value)]));
}

function secretMap(rows: readonly SecretRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((row) => !row.remove && row.key.trim() !== '' && row.value !== '').map((row) => [row.key.trim(), row.value]));
}
