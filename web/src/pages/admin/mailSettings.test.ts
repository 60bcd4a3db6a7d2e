import { describe, expect, it } from 'vitest';
import { aliasCodeProblem, describeQuota, normalizeAliasCode } from './mailSettings';

describe('the outbound quota in words', () => {
  it('counts against the limit, and warns as it nears and reaches it', () => {
    expect(describeQuota({ sentLast24Hours: 12, limit: 200 })).toEqual({
      text: '12 of 200 emails in the last 24 hours',
      tone: 'neutral',
      note: null,
    });
    expect(describeQuota({ sentLast24Hours: 160, limit: 200 }).tone).toBe('warning');
    const full = describeQuota({ sentLast24Hours: 2000, limit: 2000 });
    expect(full.text).toBe('2,000 of 2,000 emails in the last 24 hours');
    expect(full.tone).toBe('danger');
    expect(full.note).toMatch(/public replies and invitations fail/);
  });

  it('says when there is no limit', () => {
    expect(describeQuota({ sentLast24Hours: 1, limit: null }).text).toBe('1 email in the last 24 hours · no limit');
    expect(describeQuota({ sentLast24Hours: 0 }).text).toBe('0 emails in the last 24 hours · no limit');
  });
});

describe('alias verification codes', () => {
  it('reads a code as the gateway does: spaces, dashes and case do not matter', () => {
    expect(normalizeAliasCode(' abcd-efgh jkmn-pqrs ')).toBe('ABCDEFGHJKMNPQRS');
    expect(aliasCodeProblem('abcd-efgh-jkmn-pqrs')).toBeNull();
  });

  it('catches an empty or cut-off code before asking', () => {
    expect(aliasCodeProblem('  ')).toBe('Enter the code from the verification mail.');
    expect(aliasCodeProblem('ABCD-EFGH')).toBe('The code has 16 letters and digits; this has 8.');
  });
});
