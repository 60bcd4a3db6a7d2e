import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { describeError, errorCode, sentence } from './errors';

const gqlError = (message: string, extensions: Record<string, unknown>) =>
  new CombinedError({ graphQLErrors: [{ message, extensions }] });

describe('API errors as sentences', () => {
  it('turns the gateway’s phrases into sentences', () => {
    expect(sentence('the slug is already taken')).toBe('The slug is already taken.');
    expect(sentence('Too late!')).toBe('Too late!');
    expect(sentence('ada@acme.example already has a Ferrodesk account: enter its password')).toBe(
      'ada@acme.example already has a Ferrodesk account: enter its password.',
    );
  });

  it('puts input errors next to the field they name', () => {
    const problem = describeError(
      gqlError('this slug is already taken', { code: 'CONFLICT', field: 'slug' }),
      ['slug', 'email'],
    );
    expect(problem).toEqual({ fields: { slug: 'This slug is already taken.' }, message: null, code: 'CONFLICT' });
  });

  it('reports an error about a field the form does not show for the whole form', () => {
    const problem = describeError(gqlError('unknown time zone "Mars/Olympus"', { code: 'BAD_USER_INPUT', field: 'timeZone' }), ['slug']);
    expect(problem.fields).toEqual({});
    expect(problem.message).toBe('Unknown time zone "Mars/Olympus".');
  });

  it('says when to try again after too many attempts', () => {
    const problem = describeError(gqlError('too many attempts', { code: 'RATE_LIMITED', retryAfterSeconds: 840 }));
    expect(problem.message).toBe('Too many attempts. Try again in 14 minutes.');
  });

  it('passes on why mail cannot go when the organisation’s quota is spent', () => {
    const problem = describeError(
      gqlError('this organisation has sent its 200 emails for the last 24 hours; more can go as the earliest leave that window', {
        code: 'RATE_LIMITED',
      }),
      ['body'],
    );
    expect(problem.message).toBe(
      'This organisation has sent its 200 emails for the last 24 hours; more can go as the earliest leave that window.',
    );
    expect(problem.code).toBe('RATE_LIMITED');
  });

  it('never shows internals, and explains network trouble', () => {
    expect(describeError(gqlError('internal error', { code: 'INTERNAL' })).message).toBe(
      'Something went wrong on our side. Try again in a moment.',
    );
    expect(describeError(new CombinedError({ networkError: new Error('Failed to fetch') })).message).toMatch(/couldn’t reach Ferrodesk/);
  });

  it('lets a page say what NOT_FOUND means there', () => {
    const problem = describeError(gqlError('invitation not found', { code: 'NOT_FOUND' }), [], {
      NOT_FOUND: 'This invitation has expired.',
    });
    expect(problem.message).toBe('This invitation has expired.');
    expect(errorCode(gqlError('x', { code: 'FORBIDDEN' }))).toBe('FORBIDDEN');
  });
});
