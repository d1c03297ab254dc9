// The one name rule: the checkers, the pattern strings built from them, and the messages that state the rule.
import { describe, expect, it } from 'vitest';
import { checkEnvName, checkResourceName, ENV_NAME_RULE, NAME_SEGMENT, RESOURCE_NAME_PATTERN } from './names.ts';
import { parseTransitionsFile } from './transitions.ts';

const SAMPLES = ['shop', 'shop/cart', 'a.b_c-d/e1', 'Shop', '-shop', 'shop-', 'shop//cart', '/shop', 'shop/', '..', 'shop/../x', '.', 'a/./b', ''];

describe('name rule', () => {
  it.each(SAMPLES)('the resource pattern for schemas agrees with checkResourceName on "%s"', (name) => {
    expect(new RegExp(RESOURCE_NAME_PATTERN).test(name)).toBe(checkResourceName(name) === undefined);
  });

  it.each(SAMPLES)('the segment pattern agrees with checkEnvName on "%s"', (name) => {
    expect(NAME_SEGMENT.test(name)).toBe(checkEnvName(name) === undefined);
  });

  it('limits environment names to 63 characters and resource names to 253', () => {
    expect(checkEnvName('a'.repeat(63))).toBeUndefined();
    expect(checkEnvName('a'.repeat(64))).toContain(ENV_NAME_RULE);
    expect(checkResourceName(`${'a'.repeat(126)}/${'b'.repeat(126)}`)).toBeUndefined();
    expect(checkResourceName(`${'a'.repeat(127)}/${'b'.repeat(126)}`)).toBe('is longer than 253 characters');
  });

  it('names a bad transition with the same rule as an environment', () => {
    const { transitions, problems } = parseTransitionsFile('transitions.yaml', `transitions:\n  ${'p'.repeat(64)}: { source: dev, target: pp }\n`);
    expect(transitions).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ code: 'transition-bad-name', message: `transition "${'p'.repeat(64)}": name ${ENV_NAME_RULE}` })]);
  });
});
