//! Reading an inbound message: who sent it, what it answers, whether a machine sent it, the text
//! to show (trimmed and sanitised) and its attachments. Never panics on any input: the SMTP
//! listener has already stored the raw bytes, and a message this cannot read goes to quarantine.

use std::borrow::Cow;
use std::collections::HashSet;

use mail_parser::{Address, HeaderName, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use crate::address::normalize_address;
use crate::trim::trim_reply;

/// Longest subject kept (the tickets table allows 250 characters).
pub const MAX_SUBJECT_CHARS: usize = 250;
/// Longest body kept as ticket text; the raw message keeps everything.
pub const MAX_BODY_CHARS: usize = 100_000;
/// Most References entries considered for threading (a hostile message may carry thousands).
const MAX_REFERENCES: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// Lower-cased address.
    pub address: String,
    pub name: Option<String>,
}

impl Mailbox {
    /// The display name, or the address's local part.
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.address.split('@').next().unwrap_or("requester").to_owned())
    }
}

/// What kind of sender wrote the message, for loop and noise protection (docs/email.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailClass {
    /// A person wrote it.
    Personal,
    /// An out-of-office or other automatic answer (RFC 3834 and its vendor variants).
    AutoReply,
    /// Mailing-list, bulk or junk mail.
    Bulk,
    /// A delivery status notification (RFC 3464) about one of our messages.
    Bounce(DeliveryFailure),
}

impl MailClass {
    /// Whether an automatic acknowledgement may answer this message.
    pub fn may_acknowledge(&self) -> bool {
        matches!(self, Self::Personal)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliveryFailure {
    /// The Message-ID of the message that could not be delivered, when the report includes it.
    pub original_message_id: Option<String>,
    pub recipients: Vec<String>,
    /// RFC 3463 status such as `5.1.1`.
    pub status: Option<String>,
    pub diagnostic: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    /// Set for inline images referenced from the HTML body (`cid:`).
    pub content_id: Option<String>,
    pub inline: bool,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct InboundMail {
    /// Without angle brackets.
    pub message_id: Option<String>,
    /// What makes a second delivery of the same message recognisable: the Message-ID, or a hash of
    /// the raw bytes when there is none.
    pub dedupe_key: String,
    pub from: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Decoded and trimmed; "(no subject)" when absent.
    pub subject: String,
    /// `In-Reply-To` first, then `References` newest first; without angle brackets.
    pub thread_ids: Vec<String>,
    /// A ticket number written in the subject as `[INC-1042]`.
    pub ticket_tag: Option<String>,
    /// The new text of the message, for display.
    pub text: String,
    /// The whole text part, history included.
    pub full_text: String,
    /// The HTML body as it came (or mail-parser's rendering of the text part when there is no
    /// HTML part), not yet sanitised: read it through [`InboundMail::html`].
    html_source: Option<String>,
    pub attachments: Vec<Attachment>,
    pub class: MailClass,
    /// The organisation's own outbound mail coming back (our loop header is present).
    pub ours: bool,
}

impl InboundMail {
    /// The sanitised HTML body, when the message has one. Sanitising parses the whole document
    /// (a sixth of the worker's CPU for a typical Outlook message), and only a reply keeps its
    /// HTML, so it is done when asked for, not for every message read.
    pub fn html(&self) -> Option<String> {
        self.html_source.as_deref().map(sanitize_html).filter(|h| !h.trim().is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the message is empty")]
    Empty,
    #[error("the message has no readable header")]
    Unreadable,
}

/// The header every outbound message carries, so that our own mail coming back is recognised.
pub const LOOP_HEADER: &str = "X-Ferrodesk-Loop";

pub fn parse(raw: &[u8]) -> Result<InboundMail, ParseError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    // mail-parser 0.11.9 panics on some broken MIME structures ("Invalid part ID, could not find
    // multipart", found by infra/fuzz.sh; tests/fixtures/mail/parser_panic.eml). Such a message
    // is unreadable, to quarantine, not a crash of the session that received it.
    let parsed = std::panic::catch_unwind(|| MessageParser::default().parse(raw));
    let message = parsed.ok().flatten().ok_or(ParseError::Unreadable)?;
    if message.headers().is_empty() {
        return Err(ParseError::Unreadable);
    }
    let message_id = message.message_id().and_then(clean_id);
    let dedupe_key = match &message_id {
        Some(id) => format!("mid:{id}"),
        None => format!("sha256:{}", identity_hash(&message)),
    };
    let subject = message
        .subject()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .map(|s| truncate_chars(&s, MAX_SUBJECT_CHARS))
        .unwrap_or_else(|| "(no subject)".to_owned());
    let mut thread_ids = Vec::new();
    let mut seen = HashSet::new();
    for id in header_ids(message.in_reply_to())
        .into_iter()
        .chain(header_ids(message.references()).into_iter().rev())
    {
        if thread_ids.len() >= MAX_REFERENCES {
            break;
        }
        if seen.insert(id.clone()) {
            thread_ids.push(id);
        }
    }
    let (full_text, html_source) = bodies(&message);
    let text = truncate_chars(&trim_reply(&full_text), MAX_BODY_CHARS);
    let ours = message.header_raw(LOOP_HEADER).is_some();
    Ok(InboundMail {
        message_id,
        dedupe_key,
        from: message.from().and_then(first_mailbox),
        to: message.to().map(mailboxes).unwrap_or_default(),
        cc: message.cc().map(mailboxes).unwrap_or_default(),
        ticket_tag: ticket_tag(&subject),
        subject,
        thread_ids,
        text,
        full_text: truncate_chars(&full_text, MAX_BODY_CHARS),
        html_source,
        attachments: attachments(&message),
        class: classify(&message),
        ours,
    })
}

/// What identifies a message without a Message-ID across deliveries: its author-written headers
/// and its body, not the trace headers (`Received`, `Delivered-To`…) that every hop, ours
/// included, adds with its own timestamp.
fn identity_hash(message: &Message<'_>) -> String {
    let mut hasher = Sha256::new();
    for name in ["From", "Sender", "To", "Cc", "Subject", "Date", "In-Reply-To", "References"] {
        if let Some(value) = HeaderName::parse(name).and_then(|h| message.header_raw(h)) {
            hasher.update(name.as_bytes());
            hasher.update(b":");
            hasher.update(value.trim().as_bytes());
            hasher.update(b"\n");
        }
    }
    let raw = message.raw_message();
    let body_start =
        usize::try_from(message.root_part().raw_body_offset()).unwrap_or(raw.len()).min(raw.len());
    hasher.update(&raw[body_start..]);
    hex::encode(hasher.finalize())
}

/// `<abc@host>` → `abc@host`; rejects empty and absurd ids.
fn clean_id(raw: &str) -> Option<String> {
    let id = raw.trim().trim_start_matches('<').trim_end_matches('>').trim();
    (!id.is_empty() && id.len() <= 500 && !id.chars().any(char::is_whitespace)).then(|| id.to_owned())
}

fn header_ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => t.split_whitespace().filter_map(clean_id).collect(),
        HeaderValue::TextList(list) => {
            list.iter().flat_map(|t| t.split_whitespace().filter_map(clean_id).collect::<Vec<_>>()).collect()
        }
        _ => Vec::new(),
    }
}

fn to_mailbox(name: Option<&str>, address: Option<&str>) -> Option<Mailbox> {
    let address = normalize_address(address?)?;
    let name = name.map(|n| n.trim().trim_matches('"').trim().to_owned()).filter(|n| !n.is_empty());
    Some(Mailbox { address, name: name.map(|n| truncate_chars(&n, 120)) })
}

fn first_mailbox(address: &Address<'_>) -> Option<Mailbox> {
    address.iter().find_map(|a| to_mailbox(a.name(), a.address()))
}

fn mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address.iter().filter_map(|a| to_mailbox(a.name(), a.address())).take(100).collect()
}

/// The first `[INC-123]` or `[REQ-45]` in the subject.
pub fn ticket_tag(subject: &str) -> Option<String> {
    let mut rest = subject;
    while let Some(start) = rest.find('[') {
        let after = &rest[start + 1..];
        if let Some(end) = after.find(']') {
            let inner = after[..end].trim().to_ascii_uppercase();
            if let Some((prefix, digits)) = inner.split_once('-')
                && (prefix == "INC" || prefix == "REQ")
                && !digits.is_empty()
                && digits.len() <= 9
                && digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Some(inner);
            }
        }
        rest = after;
    }
    None
}

/// The subject without reply/forward prefixes and ticket tags, for matching a reply to its ticket.
pub fn normalize_subject(subject: &str) -> String {
    let words: Vec<&str> = strip_answer_prefixes(subject).split_whitespace().collect();
    words.join(" ").to_lowercase()
}

/// Whether the subject marks an answer or a forward (`Re:`, `Fwd:`, `AW:`… or a ticket tag).
pub fn is_answer_subject(subject: &str) -> bool {
    strip_answer_prefixes(subject).len() < subject.trim().len()
}

/// The subject after its leading reply/forward prefixes and ticket tags.
fn strip_answer_prefixes(subject: &str) -> &str {
    let mut s = subject.trim();
    loop {
        let before = s;
        for prefix in ["re:", "fw:", "fwd:", "aw:", "sv:", "wg:", "antw:", "tr:", "rv:"] {
            if s.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix)) {
                s = s[prefix.len()..].trim_start();
            }
        }
        if let Some(tag) = ticket_tag(s)
            && let Some(rest) = s.strip_prefix(&format!("[{tag}]"))
        {
            s = rest.trim_start();
        }
        if s == before {
            return s;
        }
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// The text to show and the sanitised HTML. A message with only HTML gets its text from the HTML;
/// a message that is only a forwarded message gets the forwarded message's text.
fn bodies(message: &Message<'_>) -> (String, Option<String>) {
    let html = message.body_html(0).map(Cow::into_owned);
    let mut text = message.body_text(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default();
    if text.trim().is_empty()
        && let Some(forwarded) = message.attachments().find_map(|p| match &p.body {
            PartType::Message(inner) => inner.body_text(0).map(|t| t.into_owned()),
            _ => None,
        })
    {
        text = forwarded.replace("\r\n", "\n");
    }
    (text.trim().to_owned(), html)
}

/// Only harmless markup survives: no scripts, styles, event handlers, forms or remote content
/// other than plain links; `cid:` images stay so inline images can be shown.
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "cid"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

fn attachments(message: &Message<'_>) -> Vec<Attachment> {
    let mut found = Vec::new();
    for (index, part) in message.attachments().enumerate() {
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned())
            .to_ascii_lowercase();
        let bytes = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
            PartType::Text(t) | PartType::Html(t) => t.as_bytes().to_vec(),
            PartType::Message(inner) => inner.raw_message().to_vec(),
            PartType::Multipart(_) => continue,
        };
        let filename = part
            .attachment_name()
            .map(safe_filename)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| default_name(index, &content_type));
        found.push(Attachment {
            filename,
            content_type,
            content_id: part.content_id().and_then(clean_id),
            inline: matches!(part.body, PartType::InlineBinary(_))
                || part.content_disposition().is_some_and(|d| d.is_inline()),
            bytes,
        });
    }
    found
}

fn default_name(index: usize, content_type: &str) -> String {
    let ext = match content_type {
        "message/rfc822" => "eml",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        "application/ms-tnef" | "application/vnd.ms-tnef" => return "winmail.dat".to_owned(),
        _ => "bin",
    };
    format!("attachment-{}.{ext}", index + 1)
}

/// A file name without path separators or control characters, at most 200 characters.
fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    truncate_chars(cleaned.trim().trim_start_matches('.'), 200)
}

fn header_text<'a>(message: &'a Message<'_>, name: &'a str) -> Option<&'a str> {
    message.header_raw(HeaderName::parse(name)?).map(str::trim)
}

fn classify(message: &Message<'_>) -> MailClass {
    if let Some(report) = delivery_report(message) {
        return MailClass::Bounce(report);
    }
    let auto_submitted = header_text(message, "Auto-Submitted").map(str::to_ascii_lowercase);
    if auto_submitted.as_deref().is_some_and(|v| !v.starts_with("no"))
        || header_text(message, "X-Autoreply").is_some()
        || header_text(message, "X-Autorespond").is_some()
        || header_text(message, "X-Auto-Response-Suppress").is_some_and(|v| {
            v.split(',')
                .any(|p| matches!(p.trim().to_ascii_lowercase().as_str(), "all" | "oof" | "autoreply"))
        })
    {
        return MailClass::AutoReply;
    }
    let precedence = header_text(message, "Precedence").map(str::to_ascii_lowercase);
    if precedence.as_deref().is_some_and(|p| matches!(p, "bulk" | "junk" | "list" | "auto_reply"))
        || !message.list_id().is_empty()
        || !message.list_unsubscribe().is_empty()
    {
        return MailClass::Bulk;
    }
    MailClass::Personal
}

/// An RFC 3464 delivery status notification: `multipart/report; report-type=delivery-status`.
fn delivery_report(message: &Message<'_>) -> Option<DeliveryFailure> {
    let ct = message.root_part().content_type()?;
    let is_report = ct.ctype().eq_ignore_ascii_case("multipart")
        && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
        && ct.attribute("report-type").is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"));
    if !is_report {
        return None;
    }
    let mut failure = DeliveryFailure::default();
    for part in &message.parts {
        let Some(pct) = part.content_type() else { continue };
        let sub = pct.subtype().unwrap_or_default().to_ascii_lowercase();
        match (pct.ctype().to_ascii_lowercase().as_str(), sub.as_str()) {
            ("message", "delivery-status") | ("message", "global-delivery-status") => {
                let text = match &part.body {
                    PartType::Text(t) | PartType::Html(t) => t.to_string(),
                    PartType::Binary(b) | PartType::InlineBinary(b) => {
                        String::from_utf8_lossy(b).into_owned()
                    }
                    _ => String::new(),
                };
                for line in text.lines() {
                    let Some((name, value)) = line.split_once(':') else { continue };
                    let value = value.trim();
                    match name.trim().to_ascii_lowercase().as_str() {
                        "final-recipient" | "original-recipient" => {
                            let address = value.rsplit(';').next().unwrap_or(value);
                            if let Some(a) = normalize_address(address)
                                && !failure.recipients.contains(&a)
                            {
                                failure.recipients.push(a);
                            }
                        }
                        "status" if failure.status.is_none() => {
                            failure.status = Some(truncate_chars(value, 20))
                        }
                        "diagnostic-code" if failure.diagnostic.is_none() => {
                            failure.diagnostic = Some(truncate_chars(value, 500));
                        }
                        _ => {}
                    }
                }
            }
            ("message", "rfc822") | ("message", "global") => {
                if let PartType::Message(inner) = &part.body {
                    failure.original_message_id = inner.message_id().and_then(clean_id);
                }
            }
            ("text", "rfc822-headers") | ("message", "rfc822-headers") => {
                let headers = match &part.body {
                    PartType::Text(t) => t.to_string(),
                    PartType::Binary(b) | PartType::InlineBinary(b) => {
                        String::from_utf8_lossy(b).into_owned()
                    }
                    _ => String::new(),
                };
                if let Some(parsed) = MessageParser::default().parse_headers(headers.as_bytes()) {
                    failure.original_message_id = parsed.message_id().and_then(clean_id);
                }
            }
            _ => {}
        }
    }
    Some(failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_that_panics_the_parser_is_unreadable() {
        let raw = include_bytes!("../../../tests/fixtures/mail/parser_panic.eml");
        assert!(matches!(parse(raw), Err(ParseError::Unreadable)));
    }

    #[test]
    fn reads_a_plain_message() {
        let raw = b"From: \"Ann Smith\" <Ann@Example.com>\r\nTo: acme@inbound.localhost\r\nCc: Bob <bob@example.com>\r\nSubject: Printer  jammed\r\nMessage-ID: <abc@example.com>\r\n\r\nThe 3rd floor printer is jammed.\r\n";
        let mail = parse(raw).unwrap();
        assert_eq!(mail.message_id.as_deref(), Some("abc@example.com"));
        assert_eq!(mail.dedupe_key, "mid:abc@example.com");
        assert_eq!(
            mail.from,
            Some(Mailbox { address: "ann@example.com".into(), name: Some("Ann Smith".into()) })
        );
        assert_eq!(mail.cc[0].address, "bob@example.com");
        assert_eq!(mail.subject, "Printer jammed");
        assert_eq!(mail.text, "The 3rd floor printer is jammed.");
        assert_eq!(mail.class, MailClass::Personal);
        assert!(!mail.ours);
    }

    #[test]
    fn hashes_when_there_is_no_message_id() {
        let raw = b"From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n";
        let mail = parse(raw).unwrap();
        assert_eq!(mail.message_id, None);
        assert!(mail.dedupe_key.starts_with("sha256:"));
        // Another delivery through another hop is the same message.
        let relayed = b"Received: from mx2 by us; Sun, 22 Nov 2026 10:00:01 +0000\r\nFrom: a@example.com\r\nSubject: x\r\n\r\nbody\r\n";
        assert_eq!(parse(relayed).unwrap().dedupe_key, mail.dedupe_key);
        let other = b"From: a@example.com\r\nSubject: x\r\n\r\nanother body\r\n";
        assert_ne!(parse(other).unwrap().dedupe_key, mail.dedupe_key);
    }

    #[test]
    fn thread_ids_put_in_reply_to_first() {
        let raw = b"From: a@example.com\r\nIn-Reply-To: <b@x>\r\nReferences: <a@x> <b@x>\r\n\r\nhi\r\n";
        assert_eq!(parse(raw).unwrap().thread_ids, vec!["b@x".to_owned(), "a@x".to_owned()]);
    }

    #[test]
    fn ticket_tags_and_subjects() {
        assert_eq!(ticket_tag("Re: [INC-1042] Printer"), Some("INC-1042".into()));
        assert_eq!(ticket_tag("Re: [req-7] Laptop"), Some("REQ-7".into()));
        assert_eq!(ticket_tag("[JIRA-1] x [INC-x] y"), None);
        assert_eq!(normalize_subject("RE: Fwd: [INC-12] Printer   jammed"), "printer jammed");
        assert_eq!(normalize_subject("AW: printer jammed"), "printer jammed");
        assert!(is_answer_subject("Re: printer") && is_answer_subject("[INC-4] printer"));
        assert!(!is_answer_subject("Printer   jammed") && !is_answer_subject("Café"));
        // Multi-byte characters where a prefix would end (found by the corpus test).
        assert_eq!(normalize_subject("Café cassé"), "café cassé");
        assert_eq!(normalize_subject("Ré: x"), "ré: x");
    }

    #[test]
    fn classifies_machine_mail() {
        let auto = b"From: a@example.com\r\nAuto-Submitted: auto-replied\r\n\r\nI am away\r\n";
        assert_eq!(parse(auto).unwrap().class, MailClass::AutoReply);
        let not_auto = b"From: a@example.com\r\nAuto-Submitted: no\r\n\r\nhi\r\n";
        assert_eq!(parse(not_auto).unwrap().class, MailClass::Personal);
        let oof = b"From: a@example.com\r\nX-Auto-Response-Suppress: OOF, AutoReply\r\n\r\naway\r\n";
        assert_eq!(parse(oof).unwrap().class, MailClass::AutoReply);
        let list = b"From: a@example.com\r\nList-Id: <news.example.com>\r\n\r\nnews\r\n";
        assert_eq!(parse(list).unwrap().class, MailClass::Bulk);
        let bulk = b"From: a@example.com\r\nPrecedence: bulk\r\n\r\nnews\r\n";
        assert_eq!(parse(bulk).unwrap().class, MailClass::Bulk);
    }

    #[test]
    fn reads_a_delivery_report() {
        let raw = concat!(
            "From: MAILER-DAEMON@mx.example.com\r\n",
            "To: acme@inbound.localhost\r\n",
            "Subject: Undelivered Mail Returned to Sender\r\n",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n",
            "--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n",
            "--b\r\nContent-Type: message/delivery-status\r\n\r\n",
            "Reporting-MTA: dns; mx.example.com\r\n\r\n",
            "Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n",
            "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n",
            "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n",
            "Message-ID: <out-1@inbound.localhost>\r\nSubject: [INC-1] ack\r\n\r\n",
            "--b--\r\n"
        );
        let MailClass::Bounce(failure) = parse(raw.as_bytes()).unwrap().class else { panic!("not a bounce") };
        assert_eq!(failure.original_message_id.as_deref(), Some("out-1@inbound.localhost"));
        assert_eq!(failure.recipients, vec!["gone@example.com".to_owned()]);
        assert_eq!(failure.status.as_deref(), Some("5.1.1"));
        assert!(failure.diagnostic.unwrap().contains("user unknown"));
    }

    #[test]
    fn sanitizes_html() {
        let clean = sanitize_html(
            "<p onclick=\"x()\">Hi<script>alert(1)</script> <img src=\"cid:img1\"><a href=\"javascript:x\">l</a></p>",
        );
        assert!(!clean.contains("script") && !clean.contains("onclick") && !clean.contains("javascript"));
        assert!(clean.contains("cid:img1"));
    }

    #[test]
    fn a_messages_html_is_sanitised_when_read() {
        let raw = "From: a@example.com\r\nTo: acme@inbound.localhost\r\nSubject: Hi\r\n\
                   MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
                   --b\r\nContent-Type: text/plain\r\n\r\nHello\r\n\
                   --b\r\nContent-Type: text/html\r\n\r\n<p onclick=\"x()\">Hello<script>alert(1)</script></p>\r\n--b--\r\n";
        let html = parse(raw.as_bytes()).unwrap().html().unwrap();
        assert!(html.contains("<p>Hello</p>"), "{html}");
        assert!(!html.contains("script") && !html.contains("onclick"), "{html}");
        let markup_only =
            raw.replace("<p onclick=\"x()\">Hello<script>alert(1)</script></p>", "<script>x()</script>");
        assert_eq!(parse(markup_only.as_bytes()).unwrap().html(), None, "nothing left to show");
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(parse(b"").unwrap_err(), ParseError::Empty);
        assert_eq!(parse(b" \r\n ").unwrap_err(), ParseError::Empty);
    }
}
