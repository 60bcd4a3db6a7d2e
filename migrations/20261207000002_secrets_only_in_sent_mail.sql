-- Secrets mailed to an address live only in the mail sent there (docs/SECURITY.md §Identity).
--
-- An alias's verification code was a column every admin of the organisation could read, and the
-- intake verified an alias by headers anyone can write. The code is now derived from the alias's
-- id and the server's secret, appears only in the sent mail (the stored copy holds a
-- placeholder), and must come back in the forwarded message or be typed by someone who read it.
-- Aliases verified the old way stay verified; unverified ones need the new mail (sent again by
-- adding the alias again).
alter table mail_aliases drop column verification_code;

-- Invitations are mailed like any other notice of the organisation (their link only in the
-- sent copy).
alter table outbound_messages drop constraint outbound_messages_kind_check;
alter table outbound_messages add constraint outbound_messages_kind_check
    check (kind in ('acknowledgement', 'reply', 'status', 'alias_verification', 'trial_ending', 'payment_failed',
                    'invitation'));
