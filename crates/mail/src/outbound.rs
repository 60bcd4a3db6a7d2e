//! Outbound mail: templates (minijinja, text and HTML from the same context), composing a message
//! with the headers threading and loop protection need, and the transports that send it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox as LettreMailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use minijinja::{Environment, Value};
use serde::Serialize;

use crate::inbound::LOOP_HEADER;
use crate::trim::REPLY_ABOVE_MARKER;

/// A message ready to send. Rendered once, stored, and sent as stored, so a retry sends the same
/// bytes with the same Message-ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OutboundMail {
    /// Without angle brackets.
    pub message_id: String,
    pub from_address: String,
    pub from_name: String,
    pub reply_to: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// `Auto-Submitted` value (RFC 3834), e.g. `auto-replied` for acknowledgements.
    pub auto_submitted: Option<String>,
    /// Identifies the organisation in our loop header, so our own mail coming back is ignored.
    pub loop_tag: String,
    pub text: String,
    pub html: String,
    /// A secret (a link or code) this message carries, which its stored copy must not: the text
    /// and HTML hold [`SECRET_PLACEHOLDER`] where it goes, and the sender fills it in from this
    /// reference with [`OutboundMail::with_secret`] as it hands the message to a transport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretRef>,
}

/// What stands in a stored message for the secret that only the sent one carries. Survives
/// HTML escaping unchanged, and reads sensibly where an outbox shows it.
pub const SECRET_PLACEHOLDER: &str = "[sent to the recipient only]";

/// Which secret a stored message carries: its purpose and the record it was derived from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SecretRef {
    pub purpose: String,
    pub id: uuid::Uuid,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot compose the message: {0}")]
    Compose(String),
    #[error("the relay refused the message for good: {0}")]
    Permanent(String),
    #[error("sending failed, will retry: {0}")]
    Transient(String),
}

fn bracket(id: &str) -> String {
    format!("<{id}>")
}

impl OutboundMail {
    /// A message that starts no conversation: no reply-to, no thread, marked `auto-generated`
    /// so that out-of-office robots leave it alone. `from` is (address, display name) and
    /// `body` is (text, HTML).
    pub fn automatic(
        message_id: String,
        from: (String, String),
        to: Vec<String>,
        subject: String,
        loop_tag: String,
        body: (String, String),
    ) -> Self {
        let ((from_address, from_name), (text, html)) = (from, body);
        Self {
            message_id,
            from_address,
            from_name,
            reply_to: None,
            to,
            cc: Vec::new(),
            subject,
            in_reply_to: None,
            references: Vec::new(),
            auto_submitted: Some("auto-generated".into()),
            loop_tag,
            text,
            html,
            secret: None,
        }
    }

    pub fn to_message(&self) -> Result<lettre::Message, MailError> {
        let bad = |e: &dyn std::fmt::Display| MailError::Compose(e.to_string());
        let from =
            LettreMailbox::new(Some(self.from_name.clone()), self.from_address.parse().map_err(|e| bad(&e))?);
        let mut builder = lettre::Message::builder()
            .from(from)
            .subject(self.subject.clone())
            .message_id(Some(bracket(&self.message_id)));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(LettreMailbox::new(
                Some(self.from_name.clone()),
                reply_to.parse().map_err(|e| bad(&e))?,
            ));
        }
        for to in &self.to {
            builder = builder.to(LettreMailbox::new(None, to.parse().map_err(|e| bad(&e))?));
        }
        for cc in &self.cc {
            builder = builder.cc(LettreMailbox::new(None, cc.parse().map_err(|e| bad(&e))?));
        }
        if let Some(parent) = &self.in_reply_to {
            builder = builder.in_reply_to(bracket(parent));
        }
        if !self.references.is_empty() {
            let refs: Vec<String> = self.references.iter().map(|r| bracket(r)).collect();
            builder = builder.references(refs.join(" "));
        }
        if let Some(value) = &self.auto_submitted {
            builder = builder
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), value.clone()))
                // Asks Exchange and others not to answer with out-of-office replies.
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
                    "All".to_owned(),
                ));
        }
        builder = builder
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str(LOOP_HEADER), self.loop_tag.clone()));
        builder
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(self.text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(self.html.clone())),
            )
            .map_err(|e| bad(&e))
    }

    /// Every envelope recipient.
    pub fn recipients(&self) -> impl Iterator<Item = &String> {
        self.to.iter().chain(self.cc.iter())
    }

    /// The message as sent: the secret where the stored copy has [`SECRET_PLACEHOLDER`].
    pub fn with_secret(&self, secret: &str) -> Self {
        let escaped =
            secret.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        Self {
            text: self.text.replace(SECRET_PLACEHOLDER, secret),
            html: self.html.replace(SECRET_PLACEHOLDER, &escaped),
            secret: None,
            ..self.clone()
        }
    }
}

/// A message as a transport handed it over.
#[derive(Debug, Clone)]
pub struct Sent {
    pub mail: OutboundMail,
    pub raw: Vec<u8>,
}

/// Where outbound mail goes: a real SMTP relay, or files/memory for development and tests.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per message in this directory.
    File(PathBuf),
    Memory(Arc<Mutex<Vec<Sent>>>),
}

impl Transport {
    /// `SMTP_RELAY_URL` when set (`smtp://host:port`, `smtps://…`, `smtp://…?tls=required`, with
    /// optional `user:password@`), otherwise a file outbox in `outbox_dir`.
    pub fn from_config(relay_url: Option<&str>, outbox_dir: &Path) -> anyhow::Result<Self> {
        match relay_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => Ok(Self::Smtp(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build())),
            None => Ok(Self::File(outbox_dir.to_owned())),
        }
    }

    pub fn memory() -> (Self, Arc<Mutex<Vec<Sent>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Self::Memory(sent.clone()), sent)
    }

    pub async fn send(&self, mail: &OutboundMail) -> Result<(), MailError> {
        let message = mail.to_message()?;
        match self {
            Self::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    MailError::Permanent(e.to_string())
                } else {
                    MailError::Transient(e.to_string())
                }
            }),
            Self::File(dir) => {
                let name: String = mail
                    .message_id
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                let path = dir.join(format!("{name}.eml"));
                let tmp = dir.join(format!(".{name}.tmp"));
                let raw = message.formatted();
                // The outbox usually exists: made only when the write finds it missing.
                if let Err(e) = tokio::fs::write(&tmp, &raw).await {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        return Err(MailError::Transient(e.to_string()));
                    }
                    tokio::fs::create_dir_all(dir).await.map_err(|e| MailError::Transient(e.to_string()))?;
                    tokio::fs::write(&tmp, &raw).await.map_err(|e| MailError::Transient(e.to_string()))?;
                }
                tokio::fs::rename(&tmp, &path).await.map_err(|e| MailError::Transient(e.to_string()))
            }
            Self::Memory(sent) => {
                let raw = message.formatted();
                if let Ok(mut sent) = sent.lock() {
                    sent.push(Sent { mail: mail.clone(), raw });
                }
                Ok(())
            }
        }
    }
}

/// The messages Ferrodesk sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    Acknowledgement,
    Reply,
    Status,
    /// Billing notices to owners: the trial ends soon, a payment failed.
    Billing,
    /// An invitation to join an organisation.
    Invitation,
    /// Mail about a person's own account: a link to confirm the address, set a password or take a
    /// new one, or a notice that the password or the address changed.
    Account,
    /// The code that verifies a forwarding alias.
    AliasVerification,
}

impl Template {
    fn name(self) -> &'static str {
        match self {
            Self::Acknowledgement => "acknowledgement",
            Self::Reply => "reply",
            Self::Status => "status",
            Self::Billing => "billing",
            Self::Invitation => "invitation",
            Self::Account => "account",
            Self::AliasVerification => "alias_verification",
        }
    }
}

/// The compiled templates.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new() -> Self {
        let mut env = Environment::new();
        for (name, source) in [
            ("layout.html", include_str!("../templates/layout.html")),
            ("acknowledgement.html", include_str!("../templates/acknowledgement.html")),
            ("acknowledgement.txt", include_str!("../templates/acknowledgement.txt")),
            ("reply.html", include_str!("../templates/reply.html")),
            ("reply.txt", include_str!("../templates/reply.txt")),
            ("status.html", include_str!("../templates/status.html")),
            ("status.txt", include_str!("../templates/status.txt")),
            ("billing.html", include_str!("../templates/billing.html")),
            ("billing.txt", include_str!("../templates/billing.txt")),
            ("invitation.html", include_str!("../templates/invitation.html")),
            ("invitation.txt", include_str!("../templates/invitation.txt")),
            ("account.html", include_str!("../templates/account.html")),
            ("account.txt", include_str!("../templates/account.txt")),
            ("alias_verification.html", include_str!("../templates/alias_verification.html")),
            ("alias_verification.txt", include_str!("../templates/alias_verification.txt")),
        ] {
            // The sources are compiled into the binary and covered by tests.
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, name, "mail template does not compile");
            }
        }
        env.add_filter("paragraphs", paragraphs);
        env.add_global("marker", REPLY_ABOVE_MARKER);
        Self { env }
    }

    /// Renders the text and HTML bodies from one context.
    pub fn render(
        &self,
        template: Template,
        context: &serde_json::Value,
    ) -> Result<(String, String), MailError> {
        let render = |ext: &str| {
            self.env
                .get_template(&format!("{}.{ext}", template.name()))
                .and_then(|t| t.render(context))
                .map_err(|e| MailError::Compose(format!("{e:#}")))
        };
        Ok((render("txt")?.trim().to_owned() + "\n", render("html")?))
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

/// Plain text to HTML: escaped, blank lines start paragraphs, single newlines become `<br>`.
fn paragraphs(text: String) -> Value {
    let escape =
        |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let html: Vec<String> = text
        .replace("\r\n", "\n")
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p style=\"margin:0 0 12px;\">{}</p>", escape(p.trim()).replace('\n', "<br>")))
        .collect();
    Value::from_safe_string(html.join(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn context() -> serde_json::Value {
        json!({
            "subject": "[INC-7] Printer <jammed>",
            "ticket": { "number": "INC-7", "subject": "Printer <jammed>" },
            "requester_name": "Ann",
            "org_name": "Acme",
            "author_name": "Bob Agent",
            "body": "Try this:\n1. <turn> it off\n\nThen on.",
            "signature": "Acme IT",
            "portal_url": "http://localhost:8080/portal/tickets/INC-7",
            "status": "resolved",
            "status_label": "Resolved",
        })
    }

    #[test]
    fn renders_every_template_in_text_and_html() {
        let templates = Templates::new();
        for t in [Template::Acknowledgement, Template::Reply, Template::Status] {
            let (text, html) = templates.render(t, &context()).unwrap();
            assert!(text.starts_with(REPLY_ABOVE_MARKER), "{text}");
            assert!(text.contains("INC-7"));
            assert!(html.contains("INC-7") && html.contains(REPLY_ABOVE_MARKER));
            assert!(!html.contains("<jammed>"), "HTML must escape: {html}");
        }
        let (text, html) = templates.render(Template::Reply, &context()).unwrap();
        assert!(text.contains("1. <turn> it off"));
        assert!(html.contains("Try this:<br>1. &lt;turn&gt; it off</p>") && html.contains("<p style"));
    }

    #[test]
    fn renders_billing_notices_without_a_ticket() {
        let templates = Templates::new();
        let context = json!({
            "subject": "Payment failed", "notice": "payment_failed", "owner_name": "Ada",
            "org_name": "Acme <Ltd>", "grace_ends": "29 November 2026",
            "billing_url": "http://localhost:8080/admin/billing",
        });
        let (text, html) = templates.render(Template::Billing, &context).unwrap();
        assert!(text.contains("could not take the payment") && text.contains("29 November 2026"), "{text}");
        assert!(text.contains("http://localhost:8080/admin/billing"));
        assert!(html.contains("Acme &lt;Ltd&gt;") && !html.contains(" · "), "{html}");
        let context = json!({
            "subject": "Trial", "notice": "trial_ending", "owner_name": "Ada", "org_name": "Acme",
            "trial_ends": "25 November 2026", "billing_url": "http://localhost:8080/admin/billing",
        });
        let (text, _) = templates.render(Template::Billing, &context).unwrap();
        assert!(text.contains("trial of Acme") && text.contains("25 November 2026"), "{text}");
    }

    /// The file outbox makes its directory when it is missing, and a message sent twice (a
    /// retry) is one file under its Message-ID.
    #[tokio::test]
    async fn the_file_outbox_makes_its_directory_and_keeps_one_file_per_message() {
        let dir = std::env::temp_dir().join(format!("fd-outbox-{}", uuid::Uuid::now_v7().simple()));
        let outbox = dir.join("nested").join("outbox");
        let transport = Transport::from_config(None, &outbox).unwrap();
        let mail = OutboundMail {
            message_id: "ack.1@inbound.localhost".into(),
            from_address: "acme@inbound.localhost".into(),
            from_name: "Acme IT".into(),
            reply_to: None,
            to: vec!["ann@example.com".into()],
            cc: Vec::new(),
            subject: "[INC-1] Printer".into(),
            in_reply_to: None,
            references: Vec::new(),
            auto_submitted: Some("auto-replied".into()),
            loop_tag: "org-1".into(),
            text: "hello".into(),
            html: "<p>hello</p>".into(),
            secret: None,
        };
        transport.send(&mail).await.unwrap();
        transport.send(&mail).await.unwrap();
        let files: Vec<String> = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, vec!["ack_1_inbound_localhost.eml".to_owned()]);
        let raw = std::fs::read_to_string(outbox.join(&files[0])).unwrap();
        assert!(raw.contains("Subject: [INC-1] Printer"), "{raw}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn composes_threading_and_loop_headers() {
        let mail = OutboundMail {
            message_id: "out-1@inbound.localhost".into(),
            from_address: "acme@inbound.localhost".into(),
            from_name: "Acme IT".into(),
            reply_to: Some("acme+tok123@inbound.localhost".into()),
            to: vec!["ann@example.com".into()],
            cc: vec!["bob@example.com".into()],
            subject: "[INC-7] Printer".into(),
            in_reply_to: Some("orig@example.com".into()),
            references: vec!["orig@example.com".into()],
            auto_submitted: Some("auto-replied".into()),
            loop_tag: "org-1".into(),
            text: "hello".into(),
            html: "<p>hello</p>".into(),
            secret: None,
        };
        let raw = String::from_utf8(mail.to_message().unwrap().formatted()).unwrap();
        for needle in [
            "Message-ID: <out-1@inbound.localhost>",
            "In-Reply-To: <orig@example.com>",
            "References: <orig@example.com>",
            "Auto-Submitted: auto-replied",
            "X-Ferrodesk-Loop: org-1",
            "Reply-To: \"Acme IT\" <acme+tok123@inbound.localhost>",
            "Cc: bob@example.com",
            "multipart/alternative",
        ] {
            assert!(raw.contains(needle), "missing {needle} in\n{raw}");
        }
        // What we send, read back, is recognised as ours and as automatic.
        let parsed = crate::inbound::parse(raw.as_bytes()).unwrap();
        assert!(parsed.ours);
        assert_eq!(parsed.class, crate::MailClass::AutoReply);
    }
}
