// Whether an email's sender was who it claims to be (staff see it; requesters never do). Mail
// that names a staff address but is not verified was handled as a requester's.
import { graphql } from '../gql';
import type { MailAuthenticationFieldsFragment } from '../gql/graphql';
import { describeMailVerdict } from '../lib/mailAuth';
import { Badge } from '../ui/Feedback';
import { AlertIcon, CheckIcon } from '../ui/icons';

export const MailAuthenticationFields = graphql(`
  fragment MailAuthenticationFields on MailAuthentication {
    authenticated
    spf
    dkim
    dmarc
    summary
  }
`);

export function MailVerdict({ authentication }: { authentication: MailAuthenticationFieldsFragment | null | undefined }) {
  if (!authentication) return null;
  const verdict = describeMailVerdict(authentication);
  return (
    <Badge tone={verdict.verified ? 'success' : 'warning'} title={verdict.title}>
      {verdict.verified ? <CheckIcon size={12} /> : <AlertIcon size={12} />}
      {verdict.text}
    </Badge>
  );
}
