// The parts of the email settings with rules of their own: the outbound quota in words, and alias
// codes as people type them.
import type { Tone } from '../../ui/Feedback';

export interface QuotaLike {
  sentLast24Hours: number;
  limit?: number | null;
}

const count = new Intl.NumberFormat('en');

/** From this share of the quota on, the counter warns. */
const NEARLY = 0.8;

export function describeQuota(quota: QuotaLike): { text: string; tone: Tone; note: string | null } {
  const sent = quota.sentLast24Hours;
  if (quota.limit === null || quota.limit === undefined) {
    return { text: `${count.format(sent)} ${sent === 1 ? 'email' : 'emails'} in the last 24 hours · no limit`, tone: 'neutral', note: null };
  }
  const text = `${count.format(sent)} of ${count.format(quota.limit)} emails in the last 24 hours`;
  if (sent >= quota.limit) {
    return {
      text,
      tone: 'danger',
      note: 'The quota is used up: public replies and invitations fail until earlier mail leaves the 24-hour window.',
    };
  }
  if (sent >= quota.limit * NEARLY) {
    return { text, tone: 'warning', note: 'Close to the quota: past it, public replies and invitations fail for a while.' };
  }
  return { text, tone: 'neutral', note: null };
}

/** An alias's verification code is 16 letters and digits. */
export const ALIAS_CODE_LENGTH = 16;

/** A code as someone pasted or typed it: upper case, without spaces or dashes (as the gateway reads it). */
export function normalizeAliasCode(code: string): string {
  return code.replace(/[^a-z0-9]/gi, '').toUpperCase();
}

/** Why a typed code cannot be right, before asking the gateway; null when it may be. */
export function aliasCodeProblem(code: string): string | null {
  const normalized = normalizeAliasCode(code);
  if (!normalized) return 'Enter the code from the verification mail.';
  if (normalized.length !== ALIAS_CODE_LENGTH) {
    return `The code has ${ALIAS_CODE_LENGTH} letters and digits; this has ${normalized.length}.`;
  }
  return null;
}
