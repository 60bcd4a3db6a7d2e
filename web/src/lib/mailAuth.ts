// What the intake verified of an email's origin, in words an agent can act on: whether the
// sender's domain vouched for the message (DMARC), and if not, which checks failed.

export interface MailVerdictLike {
  authenticated: boolean;
  spf: string;
  dkim: string;
  dmarc: string;
  summary: string;
}

export interface MailVerdictText {
  verified: boolean;
  /** "Sender verified · DMARC pass", "Sender not verified · SPF fail, DMARC fail". */
  text: string;
  /** The full verdict, as an Authentication-Results header carries it. */
  title: string;
}

/**
 * The checks that did not pass. SPF or DKIM without a record ("none") is not a failure of its own:
 * the DMARC result already says whether the domain vouched some other way.
 */
function failures(verdict: MailVerdictLike): string[] {
  const out: string[] = [];
  if (verdict.spf !== 'pass' && verdict.spf !== 'none') out.push(`SPF ${verdict.spf}`);
  if (verdict.dkim !== 'pass' && verdict.dkim !== 'none') out.push(`DKIM ${verdict.dkim}`);
  if (verdict.dmarc !== 'pass' || out.length === 0) out.push(`DMARC ${verdict.dmarc || 'none'}`);
  return out;
}

export function describeMailVerdict(verdict: MailVerdictLike): MailVerdictText {
  return verdict.authenticated
    ? { verified: true, text: 'Sender verified · DMARC pass', title: verdict.summary }
    : { verified: false, text: `Sender not verified · ${failures(verdict).join(', ')}`, title: verdict.summary };
}
