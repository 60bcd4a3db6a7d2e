import { describe, expect, it } from 'vitest';
import { requireFields, slugify } from './forms';

describe('sign-up helpers', () => {
  it('suggests a valid workspace address from the organisation name', () => {
    expect(slugify('Acme Ltd.')).toBe('acme-ltd');
    expect(slugify('  Société Générale — IT  ')).toBe('societe-generale-it');
    expect(slugify('---')).toBe('');
    expect(slugify('a'.repeat(50))).toHaveLength(40);
  });

  it('names every empty required field', () => {
    expect(requireFields({ name: ' ', email: 'a@b.c' }, { name: 'Enter your name.', email: 'Enter your email.' })).toEqual({
      fields: { name: 'Enter your name.' },
      message: null,
      code: null,
    });
    expect(requireFields({ name: 'Ada' }, { name: 'Enter your name.' })).toBeNull();
  });
});
