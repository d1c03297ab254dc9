import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { additionalDataFor, decryptValue, encryptValue, goFloat, parseEncryptedValue, plaintextOf, scalarFromPlaintext } from './value-cipher.ts';

describe('goFloat (strconv.FormatFloat with f, -1)', () => {
  it.each([
    [1.5, '1.5'],
    [1, '1'],
    [0.25, '0.25'],
    [-17.125, '-17.125'],
    [1e25, '10000000000000000000000000'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [123456789.125, '123456789.125'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('writes %s as %s', (value, text) => {
    expect(goFloat(value)).toBe(text);
  });

  it('writes the smallest double without an exponent', () => {
    expect(goFloat(5e-324)).toBe(`0.${'0'.repeat(323)}5`);
  });
});

describe('one encrypted value', () => {
  const key = randomBytes(32);

  it('round-trips bytes under the same key path', () => {
    const text = encryptValue(Buffer.from('hunter2'), 'str', key, 'stringData:password:');
    expect(text).toMatch(/^ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/);
    const parsed = parseEncryptedValue(text)!;
    expect(parsed.iv).toHaveLength(32);
    expect(decryptValue(parsed, key, 'stringData:password:')?.toString()).toBe('hunter2');
  });

  it('refuses the value under another key path, another key, or with a changed byte', () => {
    const parsed = parseEncryptedValue(encryptValue(Buffer.from('hunter2'), 'str', key, 'a:'))!;
    expect(decryptValue(parsed, key, 'b:')).toBeUndefined();
    expect(decryptValue(parsed, randomBytes(32), 'a:')).toBeUndefined();
    parsed.data[0]! ^= 1;
    expect(decryptValue(parsed, key, 'a:')).toBeUndefined();
  });

  it('does not parse a truncated tag, an unknown type or text around the value', () => {
    const text = encryptValue(Buffer.from('x'), 'str', key, 'a:');
    const shortTag = text.replace(/tag:[^,]+,/, `tag:${Buffer.alloc(12).toString('base64')},`);
    expect(parseEncryptedValue(shortTag)).toBeUndefined();
    expect(parseEncryptedValue(text.replace('type:str', 'type:blob'))).toBeUndefined();
    expect(parseEncryptedValue(`${text} `)).toBeUndefined();
    expect(parseEncryptedValue('ENC[AES256_GCM,data:,iv:,tag:,type:str]')).toBeUndefined();
  });

  it('joins the key path with a trailing colon, list positions excluded', () => {
    expect(additionalDataFor(['stringData', 'nested', 'list', 'deep'])).toBe('stringData:nested:list:deep:');
    expect(additionalDataFor([])).toBe(':');
  });
});

describe('plaintext forms', () => {
  it('writes scalars as sops does', () => {
    expect(plaintextOf(true)).toEqual({ bytes: Buffer.from('True'), type: 'bool' });
    expect(plaintextOf(false)).toEqual({ bytes: Buffer.from('False'), type: 'bool' });
    expect(plaintextOf(9007199254740993n)).toEqual({ bytes: Buffer.from('9007199254740993'), type: 'int' });
    expect(plaintextOf(1.5)).toEqual({ bytes: Buffer.from('1.5'), type: 'float' });
    expect(plaintextOf('é')).toEqual({ bytes: Buffer.from('é'), type: 'str' });
  });

  it('parses them back as Go does, refusing what Go refuses', () => {
    expect(scalarFromPlaintext(Buffer.from('True'), 'bool')).toBe(true);
    expect(scalarFromPlaintext(Buffer.from('f'), 'bool')).toBe(false);
    expect(scalarFromPlaintext(Buffer.from('yes'), 'bool')).toBeUndefined();
    expect(scalarFromPlaintext(Buffer.from('-42'), 'int')).toBe(-42n);
    expect(scalarFromPlaintext(Buffer.from('9223372036854775808'), 'int')).toBeUndefined();
    expect(scalarFromPlaintext(Buffer.from('1.5'), 'int')).toBeUndefined();
    expect(scalarFromPlaintext(Buffer.from('1e3'), 'float')).toBe(1000);
    expect(scalarFromPlaintext(Buffer.from('+Inf'), 'float')).toBe(Infinity);
    expect(scalarFromPlaintext(Buffer.from('abc'), 'float')).toBeUndefined();
    expect(scalarFromPlaintext(Buffer.from('x'), 'comment')).toBeUndefined();
  });
});
