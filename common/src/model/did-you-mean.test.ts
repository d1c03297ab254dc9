import { expect, it } from 'vitest';
import { closestName } from './did-you-mean.ts';

it('suggests the nearest known name, a missing folder included, and nothing for a name far from all', () => {
  expect(closestName('shop/crt', ['shop/cart', 'payments'])).toBe('shop/cart');
  expect(closestName('cart', ['shop/cart', 'payments'])).toBe('shop/cart');
  expect(closestName('prdo', ['dev', 'pp', 'prod'])).toBe('prod');
  expect(closestName('inventory', ['shop/cart', 'payments'])).toBeUndefined();
});
