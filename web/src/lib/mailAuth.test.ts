import { describe, expect, it } from 'vitest';
import { describeMailVerdict } from './mailAuth';

const base = { spf: 'pass', dkim: 'pass', dmarc: 'pass', summary: 'spf=pass dkim=pass dmarc=pass header.from=acme.example' };

describe('mail verdicts in words', () => {
  it('says a message its domain vouched for is verified', () => {
    expect(describeMailVerdict({ ...base, authenticated: true })).toEqual({
      verified: true,
      text: 'Sender verified · DMARC pass',
      title: base.summary,
    });
  });

  it('names the checks that failed, leaving out those the domain has no record for', () => {
    const verdict = describeMailVerdict({
      authenticated: false,
      spf: 'fail',
      dkim: 'none',
      dmarc: 'fail',
      summary: 'spf=fail dkim=none dmarc=fail (p=reject) header.from=acme.example',
    });
    expect(verdict.verified).toBe(false);
    expect(verdict.text).toBe('Sender not verified · SPF fail, DMARC fail');
    expect(verdict.title).toBe('spf=fail dkim=none dmarc=fail (p=reject) header.from=acme.example');
  });

  it('says why when nothing failed outright: the domain publishes no DMARC policy', () => {
    expect(describeMailVerdict({ ...base, authenticated: false, spf: 'none', dkim: 'none', dmarc: 'none' }).text).toBe(
      'Sender not verified · DMARC none',
    );
    expect(describeMailVerdict({ ...base, authenticated: false, dkim: 'temperror', dmarc: 'temperror' }).text).toBe(
      'Sender not verified · DKIM temperror, DMARC temperror',
    );
  });
});
