import { describe, expect, it } from 'vitest';
import { WITHHELD } from '@cascade/common/api';
import { resource, status } from './fixtures/status.ts';
import { FEATURE_KIND, stagingDetail } from './fixtures/stagings.ts';
import { createRequest, deploymentText, deploymentValue, draftOf, draftProblems, emptyDraft, fieldOfRefusal, normalisedName, updateRequest, type StagingDraft } from './staging-form.ts';
import { tagSuggestions } from './tag-suggestions.ts';

const SET = { setBy: 'qa-person', setAt: '2026-11-20T09:00:00Z', commit: 'c0ffee' };

describe('normalisedName', () => {
  it('names the staging as the API does: lower case, every run of other characters one "-", no refs/heads/', () => {
    expect(normalisedName('Checkout Test', FEATURE_KIND)).toEqual({ name: 'checkout-test', cut: false, longest: 50 });
    expect(normalisedName('refs/heads/feature/JIRA-12_Login', FEATURE_KIND).name).toBe('feature-jira-12-login');
    expect(normalisedName('__--__', FEATURE_KIND).name).toBeUndefined();
  });

  it("cuts a name longer than the kind's namespace pattern leaves room for, with a hash", () => {
    const long = normalisedName('a-very-long-branch-name-that-goes-on-and-on-and-on-forever', FEATURE_KIND);
    expect(long.cut).toBe(true);
    expect(long.name!.length).toBeLessThanOrEqual(50);
    expect(long.name).toMatch(/^a-very-long-branch-name-.*-[0-9a-z]{6}$/);
  });
});

describe('deployment values', () => {
  it('reads numbers, booleans and JSON as such and anything else as text, and writes them back the same', () => {
    expect([deploymentValue('1'), deploymentValue('true'), deploymentValue('"1"'), deploymentValue('small'), deploymentValue('{"cpu":"1"}')]).toEqual([1, true, '1', 'small', { cpu: '1' }]);
    for (const value of [1, true, '1', 'small', 'true', { cpu: '1' }]) expect(deploymentValue(deploymentText(value))).toEqual(value);
  });
});

describe('the create request', () => {
  it('sends the normalised name, the trimmed tag and only the maps that hold something', () => {
    const draft: StagingDraft = {
      ...emptyDraft([FEATURE_KIND]),
      name: 'Checkout Test',
      tag: ' 1.5.0 ',
      app: [{ key: 'FEATURE_FLAGS', value: 'new-checkout', hidden: false }, { key: '', value: '', hidden: false }],
      deployment: [{ key: 'replicas', value: '1', hidden: false }],
      secrets: [{ key: 'STRIPE_KEY', value: 'sk_test_1', remove: false }],
    };
    expect(createRequest(draft, FEATURE_KIND)).toEqual({ name: 'checkout-test', kind: 'feature', tag: '1.5.0', app: { FEATURE_FLAGS: 'new-checkout' }, deployment: { replicas: 1 }, secrets: { STRIPE_KEY: 'sk_test_1' } });
    expect(createRequest({ ...draft, app: [], deployment: [], secrets: [] }, FEATURE_KIND)).toEqual({ name: 'checkout-test', kind: 'feature', tag: '1.5.0' });
  });

  it('finds what is missing before sending', () => {
    expect(draftProblems(emptyDraft([FEATURE_KIND]), undefined, FEATURE_KIND)).toEqual({ name: 'Give the staging a name', tag: 'Give a tag: the version every resource of the template runs' });
    const draft = { ...emptyDraft([FEATURE_KIND]), name: 'x', tag: '1', app: [{ key: 'A', value: '1', hidden: false }, { key: 'A', value: '2', hidden: false }], secrets: [{ key: 'K', value: '', remove: false }] };
    expect(draftProblems(draft, undefined, FEATURE_KIND)).toEqual({ app: 'A is given twice', secrets: 'Enter a value for K' });
  });
});

describe('the edit form', () => {
  const detail = stagingDetail('checkout-test', {
    app: { FEATURE_FLAGS: 'new-checkout', API_URL: WITHHELD },
    deployment: { replicas: 2 },
    withheld: ['app.API_URL'],
    secrets: [{ key: 'STRIPE_KEY', ...SET }, { key: 'DB_PASS', ...SET }],
  });

  it('starts from the staging: hidden values unknown, secrets as who set them', () => {
    const draft = draftOf(detail);
    expect(draft.app).toEqual([{ key: 'FEATURE_FLAGS', value: 'new-checkout', hidden: false }, { key: 'API_URL', value: '', hidden: true }]);
    expect(draft.deployment).toEqual([{ key: 'replicas', value: '2', hidden: false }]);
    expect(draft.secrets.map((row) => [row.key, row.value, row.existing?.setBy])).toEqual([['STRIPE_KEY', '', 'qa-person'], ['DB_PASS', '', 'qa-person']]);
  });

  it('sends only what changed, and nothing when nothing did', () => {
    const original = draftOf(detail);
    expect(updateRequest(draftOf(detail), original)).toBeUndefined();
    const draft = draftOf(detail);
    draft.tag = '1.5.1';
    draft.deployment[0]!.value = '1';
    expect(updateRequest(draft, original)).toEqual({ tag: '1.5.1', deployment: { replicas: 1 } });
    expect(draftProblems(draft, original, FEATURE_KIND)).toEqual({});
  });

  it('keeps a hidden value only while its map is left alone', () => {
    const original = draftOf(detail);
    const draft = draftOf(detail);
    draft.app[0]!.value = 'other';
    expect(draftProblems(draft, original, FEATURE_KIND).app).toBe('The value of API_URL is hidden from your role: changing this config sends it whole, so enter API_URL again or remove the row');
    draft.app[1]!.value = 'https://api.example.com';
    expect(draftProblems(draft, original, FEATURE_KIND).app).toBeUndefined();
    expect(updateRequest(draft, original)).toEqual({ app: { FEATURE_FLAGS: 'other', API_URL: 'https://api.example.com' } });
  });

  it('asks for every secret again when one changes, since nobody can read the ones kept', () => {
    const original = draftOf(detail);
    const draft = draftOf(detail);
    draft.secrets[0]!.value = 'rotated';
    expect(draftProblems(draft, original, FEATURE_KIND).secrets).toBe('Cascade cannot read the secrets it keeps, so changing one sends them all: enter DB_PASS again, or remove it');
    draft.secrets[1]!.remove = true;
    expect(draftProblems(draft, original, FEATURE_KIND).secrets).toBeUndefined();
    expect(updateRequest(draft, original)).toEqual({ secrets: { STRIPE_KEY: 'rotated' }, removeSecrets: ['DB_PASS'] });
  });
});

describe('fieldOfRefusal', () => {
  it("puts an API refusal at the field its details name, and the rest at the form's foot", () => {
    expect(fieldOfRefusal('name')).toEqual({ field: 'name' });
    expect(fieldOfRefusal('fromBranch')).toEqual({ field: 'name' });
    expect(fieldOfRefusal('app.1BAD')).toEqual({ field: 'app', key: '1BAD' });
    expect(fieldOfRefusal('app.log.level')).toEqual({ field: 'app', key: 'log.level' });
    expect(fieldOfRefusal('secrets')).toEqual({ field: 'secrets' });
    expect(fieldOfRefusal('body')).toEqual({ field: 'form' });
    expect(fieldOfRefusal(undefined)).toEqual({ field: 'form' });
  });
});

describe('tagSuggestions', () => {
  it("offers the versions the template's resources have seen, newest first, each once", () => {
    const cart = { ...resource('shop/cart', { latest: '1.4.2', dev: '1.4.1' }), versions: [{ version: '1.4.1', presentIn: ['dev'], time: '2026-11-01T00:00:00Z' }, { version: '1.4.2', presentIn: ['latest'], time: '2026-11-10T00:00:00Z' }] };
    const other = { ...resource('payments', { latest: '2.0.0' }), versions: [{ version: '2.0.0', presentIn: ['latest'], time: '2026-11-20T00:00:00Z' }] };
    const checkout = { ...resource('shop/checkout', { dev: '1.4.1' }), versions: [{ version: '1.4.1', presentIn: ['dev'] }, { version: '3.0.0', presentIn: [] }] };
    expect(tagSuggestions(status([cart, other, checkout]), 'dev')).toEqual(['1.4.2', '1.4.1', '3.0.0']);
    expect(tagSuggestions(status([cart]), undefined)).toEqual([]);
  });
});
