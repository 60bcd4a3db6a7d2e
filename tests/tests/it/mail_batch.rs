//! The intake's batches (docs/email.md, "Batches across organisations"): plain new
//! tickets from several organisations' mail in one transaction, each row under the organisation
//! its envelope was routed to, and everything else left to the single-message path.

use std::sync::Arc;

use ferrodesk_core::mail::{Incoming, Ingested, Prepared};
use ferrodesk_mail::outbound::Transport;

use crate::mail::{DOMAIN, MailHarness, message, org_and_owner};

fn incoming(org: ferrodesk_domain::OrgId, from: &str, slug: &str, raw: String) -> Incoming {
    Incoming {
        org,
        mail_from: from.to_owned(),
        recipients: vec![format!("{slug}@{DOMAIN}")],
        peer: "127.0.0.1".into(),
        raw: Arc::new(raw.into_bytes()),
        auth: Arc::new(example_com_passes()),
    }
}

/// What the harness's intake concludes for its everyday senders at example.com (SPF aligned):
/// these tests hand messages to the batch directly, as received.
fn example_com_passes() -> ferrodesk_mail::auth::MailAuth {
    ferrodesk_mail::auth::MailAuth {
        spf: "pass".into(),
        dkim: "none".into(),
        dmarc: "pass".into(),
        from_domain: "example.com".into(),
        policy: "reject".into(),
        summary: "inbound.localhost; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com"
            .into(),
    }
}

fn plain(org: ferrodesk_domain::OrgId, slug: &str, from: &str, subject: &str, id: &str) -> Incoming {
    let raw = message(from, &format!("{slug}@{DOMAIN}"), subject, Some(id), "", "Details inside.");
    incoming(org, from, slug, raw)
}

/// `messages` read as the intake's sessions read those that wait for a batch.
async fn prepare_all(h: &MailHarness, messages: &[Incoming]) -> Vec<Prepared> {
    let mut prepared = Vec::with_capacity(messages.len());
    for m in messages {
        let mut message = h.service.prepare(m.clone());
        h.service.store_files(&mut message).await;
        prepared.push(message);
    }
    prepared
}

/// Receives `messages` as one batch, read as the intake reads them.
async fn receive_batch(h: &MailHarness, messages: &[Incoming]) -> Vec<Option<(uuid::Uuid, Ingested)>> {
    h.service.receive_batch(&mut prepare_all(h, messages).await).await
}

/// Acme, whose SLA setup this process has read (a batch needs it) through Ann's first mail, and
/// an owner connection.
async fn acme_after_a_first_mail(h: &MailHarness) -> (ferrodesk_domain::OrgId, sqlx::PgConnection) {
    h.app.sign_up("acme").await;
    let mut admin = h.app.db.admin_conn().await;
    let (acme, _) = org_and_owner(&mut admin, "acme").await;
    let first = plain(acme, "acme", "ann@example.com", "First", "f@example.com");
    h.service.receive(acme, first.received()).await.unwrap();
    (acme, admin)
}

/// Every ticket with its organisation, number, subject and requester, in that order.
async fn tickets(admin: &mut sqlx::PgConnection) -> Vec<(String, i32, String, String)> {
    sqlx::query_as(
        "select o.slug, t.number, t.subject, u.email::text from tickets t
         join organizations o on o.id = t.org_id join users u on u.id = t.requester_id
         order by o.slug, t.number",
    )
    .fetch_all(admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_batch_files_each_organisations_plain_tickets_under_it_and_leaves_the_rest() {
    let h = MailHarness::start_paused(Transport::memory()).await;
    let acme_owner = h.app.sign_up("acme").await;
    let globex_owner = h.app.sign_up("globex").await;
    let mut admin = h.app.db.admin_conn().await;
    let (acme, _) = org_and_owner(&mut admin, "acme").await;
    let (globex, _) = org_and_owner(&mut admin, "globex").await;

    // Before this process has read an organisation's SLA setup, its mail takes the single path.
    let cold = [plain(acme, "acme", "ann@example.com", "VPN drops", "a-0@example.com")];
    let cold = [cold[0].clone(), plain(globex, "globex", "gus@example.com", "Badge", "g-0@example.com")];
    assert_eq!(receive_batch(&h, &cold).await, vec![None, None]);
    for message in &cold {
        let (_, outcome) = h.service.receive(message.org, message.received()).await.unwrap();
        assert!(matches!(outcome, Ingested::NewTicket(_)), "{outcome:?}");
    }

    let reply = message(
        "ann@example.com",
        &format!("acme@{DOMAIN}"),
        "Re: VPN drops",
        Some("a-r@example.com"),
        "In-Reply-To: <a-0@example.com>\r\n",
        "Still dropping.",
    );
    let with_cc = message(
        "gus@example.com",
        &format!("globex@{DOMAIN}"),
        "Printer",
        Some("g-cc@example.com"),
        "Cc: Dora <dora@example.com>\r\n",
        "Out of toner.",
    );
    let batch = vec![
        plain(acme, "acme", "ann@example.com", "Laptop will not boot", "a-1@example.com"),
        plain(globex, "globex", "gus@example.com", "Door code", "g-1@example.com"),
        plain(acme, "acme", "Carol <carol@example.com>", "New starter on Monday", "a-2@example.com"),
        incoming(acme, "ann@example.com", "acme", reply),
        plain(acme, "acme", "ann@example.com", "Laptop will not boot", "a-1@example.com"),
        incoming(globex, "gus@example.com", "globex", with_cc),
        plain(globex, "globex", "gus@example.com", "Parking permit", "g-2@example.com"),
        // Already processed in the cold round: a duplicate, for the single path to record.
        cold[0].clone(),
    ];
    let results = receive_batch(&h, &batch).await;
    let batched: Vec<bool> = results.iter().map(Option::is_some).collect();
    assert_eq!(batched, [true, true, true, false, false, false, true, false]);
    for result in results.iter().flatten() {
        assert!(matches!(result.1, Ingested::NewTicket(_)), "{result:?}");
    }

    // Numbered per organisation in arrival order, each under the organisation it was sent to,
    // the new sender (Carol) made a member with her name.
    let expected = |rows: &[(&str, i32, &str, &str)]| -> Vec<(String, i32, String, String)> {
        rows.iter().map(|(o, n, s, e)| ((*o).into(), *n, (*s).into(), (*e).into())).collect()
    };
    assert_eq!(
        tickets(&mut admin).await,
        expected(&[
            ("acme", 1, "VPN drops", "ann@example.com"),
            ("acme", 2, "Laptop will not boot", "ann@example.com"),
            ("acme", 3, "New starter on Monday", "carol@example.com"),
            ("globex", 1, "Badge", "gus@example.com"),
            ("globex", 2, "Door code", "gus@example.com"),
            ("globex", 3, "Parking permit", "gus@example.com"),
        ])
    );
    let carol: (String, String, String) = sqlx::query_as(
        "select m.name, m.role, o.slug from users u join memberships m on m.user_id = u.id
         join organizations o on o.id = m.org_id where u.email = 'carol@example.com'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(carol, ("Carol".into(), "requester".into(), "acme".into()));

    // Every row a batched message left is its organisation's: the raw message (processed in the
    // transaction that received it), its Message-ID, the creation event, the acknowledgement
    // (numbered for its own organisation) and its job.
    let rows: Vec<(String, String, bool, bool, bool, bool, String)> = sqlx::query_as(
        "select i.message_id, o.slug, i.status = 'processed' and i.processed_at = i.received_at,
                exists (select 1 from ticket_mail_ids m where m.org_id = t.org_id and m.message_id = i.message_id
                        and m.ticket_id = t.id),
                exists (select 1 from events e where e.org_id = t.org_id and e.subject_id = t.id
                        and e.action = 'ticket.created' and (e.changes ->> 'number')::int = t.number),
                exists (select 1 from jobs j join outbound_messages a on a.source_id = (j.payload ->> 'source_id')::uuid
                        where j.org_id = t.org_id and a.org_id = t.org_id and a.ticket_id = t.id),
                (select a.mail ->> 'subject' from outbound_messages a where a.org_id = t.org_id and a.ticket_id = t.id
                 and a.kind = 'acknowledgement')
         from inbound_messages i join tickets t on t.id = i.ticket_id and t.org_id = i.org_id
         join organizations o on o.id = i.org_id
         where i.message_id in ('a-1@example.com', 'a-2@example.com', 'g-1@example.com', 'g-2@example.com')
         order by i.message_id",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    let filed =
        |id: &str, org: &str, subject: &str| (id.into(), org.into(), true, true, true, true, subject.into());
    assert_eq!(
        rows,
        vec![
            filed("a-1@example.com", "acme", "[INC-0002] Laptop will not boot"),
            filed("a-2@example.com", "acme", "[INC-0003] New starter on Monday"),
            filed("g-1@example.com", "globex", "[INC-0002] Door code"),
            filed("g-2@example.com", "globex", "[INC-0003] Parking permit"),
        ]
    );

    // Each organisation's members see their own ticket under each number, never the other's.
    assert_eq!(h.ticket(&acme_owner, "INC-2").await["subject"], "Laptop will not boot");
    assert_eq!(h.ticket(&globex_owner, "INC-2").await["subject"], "Door code");
    assert_eq!(h.ticket(&globex_owner, "INC-3").await["subject"], "Parking permit");

    // What the batch left goes one at a time, after it: the reply threads, the copy and the
    // already-processed message are duplicates, the Cc'd one makes a ticket with a participant.
    let mut outcomes = Vec::new();
    for i in [3, 4, 5, 7] {
        outcomes.push(h.service.receive(batch[i].org, batch[i].received()).await.unwrap().1);
    }
    assert!(matches!(outcomes[0], Ingested::Reply(_)), "{outcomes:?}");
    assert_eq!(outcomes[1], Ingested::Duplicate);
    assert!(matches!(outcomes[2], Ingested::NewTicket(_)), "{outcomes:?}");
    assert_eq!(outcomes[3], Ingested::Duplicate);
    assert_eq!(h.ticket_count().await, 7);
}

#[tokio::test]
async fn a_batch_counts_its_own_acknowledgements_against_the_per_sender_limit() {
    let h = MailHarness::start_paused(Transport::memory()).await;
    let (acme, mut admin) = acme_after_a_first_mail(&h).await;

    // The harness allows five acknowledgements an hour per sender: one went, four more may.
    let batch: Vec<Incoming> = (0..7)
        .map(|n| plain(acme, "acme", "ann@example.com", &format!("Issue {n}"), &format!("i-{n}@example.com")))
        .chain([plain(acme, "acme", "bea@example.com", "Other sender", "b@example.com")])
        .collect();
    let results = receive_batch(&h, &batch).await;
    assert!(results.iter().all(Option::is_some), "{results:?}");
    assert_eq!(h.ticket_count().await, 9);
    let acks: Vec<(String, i64, i64)> = sqlx::query_as(
        "select a.recipients[1], count(*), (select count(*) from jobs j where j.org_id = a.org_id
                                            and j.payload ->> 'notice' = 'acknowledgement')
         from outbound_messages a where a.kind = 'acknowledgement' group by 1, a.org_id order by 1",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    // Ann: the first (stored by the single path, its job included) and four of the seven.
    assert_eq!(acks, vec![("ann@example.com".into(), 5, 6), ("bea@example.com".into(), 1, 6)]);
}

#[tokio::test]
async fn mail_arriving_together_over_smtp_is_numbered_without_gaps_in_each_organisation() {
    let h = Arc::new(MailHarness::start().await);
    let slugs = ["acme", "globex", "initech"];
    for slug in slugs {
        h.app.sign_up(slug).await;
    }
    let mut sends = Vec::new();
    for n in 0..60 {
        let h = h.clone();
        let slug = slugs[n % 3];
        sends.push(tokio::spawn(async move {
            let from = format!("user{}@example.com", n % 7);
            let to = format!("{slug}@{DOMAIN}");
            let raw = message(
                &from,
                &to,
                &format!("Request {n}"),
                Some(&format!("m-{n}@example.com")),
                "",
                "Help.",
            );
            h.send(&from, &to, &raw).await
        }));
    }
    for send in sends {
        send.await.unwrap().unwrap();
    }
    h.settle().await;
    let mut admin = h.app.db.admin_conn().await;
    let per_org: Vec<(String, i64, i32, i32, i64)> = sqlx::query_as(
        "select o.slug, count(*), min(t.number), max(t.number),
                (select count(*) from outbound_messages a where a.org_id = o.id and a.kind = 'acknowledgement')
         from tickets t join organizations o on o.id = t.org_id group by o.id, o.slug order by o.slug",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    let expected: Vec<(String, i64, i32, i32, i64)> =
        slugs.iter().map(|s| ((*s).into(), 20, 1, 20, 20)).collect();
    assert_eq!(per_org, expected);
    // Each message's ticket is in the organisation it was sent to.
    let misfiled: i64 = sqlx::query_scalar(
        "select count(*) from tickets t join organizations o on o.id = t.org_id
         where (substring(t.subject from 'Request (\\d+)')::int % 3) <> array_position(array['acme','globex','initech'], o.slug) - 1",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(misfiled, 0);
    assert_eq!(h.sent().len(), 60, "every acknowledgement sent");
}

/// A plain message's attachments are stored by its own session when it is read, before any
/// transaction, and the batch files them under the message's ticket.
#[tokio::test]
async fn a_batchs_attachments_are_stored_when_read_and_filed_under_their_tickets() {
    let h = MailHarness::start_paused(Transport::memory()).await;
    let (acme, mut admin) = acme_after_a_first_mail(&h).await;

    let pdf = b"%PDF-1.4 the quote".to_vec();
    let with_file = format!(
        "From: ann@example.com\r\nTo: acme@{DOMAIN}\r\nSubject: Quote attached\r\nMessage-ID: <q@example.com>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease approve.\r\n\
         --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"quote.pdf\"\r\n\
         Content-Transfer-Encoding: 7bit\r\n\r\n{}\r\n--b--\r\n",
        String::from_utf8_lossy(&pdf)
    );
    let batch = [
        incoming(acme, "ann@example.com", "acme", with_file),
        plain(acme, "acme", "bea@example.com", "No files", "n@example.com"),
    ];
    let mut prepared = prepare_all(&h, &batch).await;
    let key: String = sqlx::query_scalar("select encode(sha256($1), 'hex')")
        .bind(&pdf)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!(h.service.store.get(&key).await.unwrap(), Some(pdf.clone()), "stored when read");
    assert_eq!(h.ticket_count().await, 1, "and before any ticket");

    let results = h.service.receive_batch(&mut prepared).await;
    assert!(results.iter().all(Option::is_some), "both went in the batch: {results:?}");
    let files: Vec<(String, String, i64, String)> = sqlx::query_as(
        "select t.subject, a.filename, a.size_bytes, a.sha256 from attachments a
         join tickets t on t.org_id = a.org_id and t.id = a.ticket_id order by 1",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(files, vec![("Quote attached".into(), "quote.pdf".into(), pdf.len() as i64, key)]);
}
