-- The large values every emailed ticket writes (the raw message, the description, message
-- bodies, the rendered outbound mail) are compressed with LZ4 instead of the default pglz:
-- pglz_compress was 3% of all CPU time under a burst of mail, LZ4 costs a fraction of that.
-- Only new values are affected; existing ones stay readable as they are.
alter table inbound_messages alter column raw set compression lz4;
alter table outbound_messages alter column mail set compression lz4;
alter table tickets alter column description set compression lz4;
alter table ticket_messages
    alter column body set compression lz4,
    alter column body_html set compression lz4,
    alter column original_body set compression lz4;
