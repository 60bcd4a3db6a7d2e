//! Who really sent a message (docs/SECURITY.md §Mail): SPF, DKIM and DMARC, verified by the
//! maintained `mail-auth` crate against DNS as the message arrives, before it has any power.
//!
//! A `From:` header is text anyone can write. What this module reports is whether the domain in
//! it vouched for the message: DMARC passes only when SPF (for the envelope sender, from the
//! connecting address) or a DKIM signature passed *for a domain aligned with the From domain*.
//! The intake stores the verdict with the raw message; the use cases give a message power over
//! an existing ticket, or a staff member's rights, only with it (`ferrodesk_core::mail`).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use mail_auth::dmarc::Policy;
use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use mail_auth::spf::verify::SpfParameters;
use mail_auth::{
    AuthenticatedMessage, AuthenticationResults, DkimResult, DmarcResult, MessageAuthenticator, SpfResult,
};
use serde::{Deserialize, Serialize};

/// How long one DNS query may take, and the whole verification of a message. A message whose
/// verification runs out of time is unauthenticated (`temperror`), never held up longer.
const QUERY_TIMEOUT: Duration = Duration::from_secs(2);
const VERIFY_TIMEOUT: Duration = Duration::from_secs(8);
/// DKIM signatures checked at most (each costs a DNS query): a message with more is judged on
/// these, which is all any real mail carries.
const MAX_SIGNATURES: usize = 5;
/// DNS answers kept (hickory honours each answer's TTL).
const DNS_CACHE_ENTRIES: u64 = 4096;

/// What the intake found out about a message's origin, stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAuth {
    /// `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror` or `permerror` (RFC 7208).
    pub spf: String,
    /// The best of the message's DKIM signatures: `pass`, `fail`, `none`, `temperror`, `permerror`.
    pub dkim: String,
    /// `pass`, `fail`, `none`, `temperror` or `permerror` (RFC 7489).
    pub dmarc: String,
    /// The From address's domain, as DMARC judged it (empty when the message has no single one).
    pub from_domain: String,
    /// The domain's published policy: `none`, `quarantine`, `reject`, or empty without a record.
    pub policy: String,
    /// The `Authentication-Results` value, for agents who want the details.
    pub summary: String,
}

impl MailAuth {
    /// DMARC passed: the From address's domain authenticated this message (aligned SPF or DKIM).
    /// The one question the use cases ask.
    pub fn authenticated(&self) -> bool {
        self.dmarc == "pass"
    }

    /// What a message gets when it could not be verified at all (no resolver, out of time).
    pub fn unverified(reason: &str) -> Self {
        Self {
            spf: "temperror".into(),
            dkim: "temperror".into(),
            dmarc: "temperror".into(),
            from_domain: String::new(),
            policy: String::new(),
            summary: format!("not verified: {reason}"),
        }
    }
}

/// The envelope facts SPF needs, as the SMTP session saw them.
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    pub peer: IpAddr,
    pub helo: &'a str,
    /// The reverse path; empty for the null sender.
    pub mail_from: &'a str,
}

/// Verifies messages against DNS. One per process: its resolver caches answers.
pub struct Authenticator {
    inner: MessageAuthenticator,
    /// Our name in SPF macros and `Authentication-Results`.
    hostname: String,
}

impl Authenticator {
    /// Asks `nameserver` (UDP and TCP), or the system's resolvers (`/etc/resolv.conf`) when none.
    pub fn new(nameserver: Option<SocketAddr>, hostname: &str) -> anyhow::Result<Self> {
        let (config, mut opts) = match nameserver {
            Some(ns) => {
                let mut server = NameServerConfig::udp_and_tcp(ns.ip());
                for connection in &mut server.connections {
                    connection.port = ns.port();
                }
                (ResolverConfig::from_name_servers(vec![server]), ResolverOpts::default())
            }
            None => mail_auth::hickory_resolver::system_conf::read_system_conf()?,
        };
        opts.timeout = QUERY_TIMEOUT;
        opts.attempts = 1;
        opts.cache_size = DNS_CACHE_ENTRIES;
        let inner = MessageAuthenticator::new(config, opts)?;
        Ok(Self { inner, hostname: hostname.to_owned() })
    }

    /// Verifies a raw message as received from `envelope`. Never fails: what cannot be checked
    /// is reported as such, and counts as unauthenticated.
    pub async fn verify(&self, raw: &[u8], envelope: &Envelope<'_>) -> MailAuth {
        match tokio::time::timeout(VERIFY_TIMEOUT, self.check(raw, envelope)).await {
            Ok(auth) => auth,
            Err(_) => MailAuth::unverified("DNS did not answer in time"),
        }
    }

    async fn check(&self, raw: &[u8], envelope: &Envelope<'_>) -> MailAuth {
        let Some(message) = AuthenticatedMessage::parse(raw) else {
            return MailAuth::unverified("the message has no readable header");
        };
        let mut dkim = if message.dkim_headers.len() > MAX_SIGNATURES {
            Vec::new()
        } else {
            self.inner.verify_dkim(&message).await
        };
        dkim.truncate(MAX_SIGNATURES);
        // SPF for the identity DMARC aligns: the envelope sender, or the HELO name for the
        // null sender (bounces).
        let spf = if envelope.mail_from.is_empty() {
            self.inner
                .verify_spf(SpfParameters::verify_ehlo(envelope.peer, envelope.helo, &self.hostname))
                .await
        } else {
            self.inner
                .verify_spf(SpfParameters::verify_mail_from(
                    envelope.peer,
                    envelope.helo,
                    &self.hostname,
                    envelope.mail_from,
                ))
                .await
        };
        let spf_domain = spf.domain().to_owned();
        let dmarc = self.inner.verify_dmarc(DmarcParameters::new(&message, &dkim, &spf_domain, &spf)).await;
        let mut results = AuthenticationResults::new(&self.hostname).with_dkim_results(&dkim, dmarc.domain());
        results = if envelope.mail_from.is_empty() {
            results.with_spf_ehlo_result(&spf, envelope.peer, envelope.helo)
        } else {
            results.with_spf_mailfrom_result(&spf, envelope.peer, envelope.mail_from, envelope.helo)
        };
        let summary = results.with_dmarc_result(&dmarc).to_string();
        MailAuth {
            spf: spf_name(spf.result()).into(),
            dkim: dkim_name(dkim.iter().map(|o| o.result())).into(),
            dmarc: dmarc_name(&dmarc.result()).into(),
            from_domain: dmarc.domain().to_owned(),
            policy: match dmarc.policy() {
                Policy::None => "none",
                Policy::Quarantine => "quarantine",
                Policy::Reject => "reject",
                Policy::Unspecified => "",
            }
            .into(),
            summary: summary.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }
}

fn spf_name(result: SpfResult) -> &'static str {
    match result {
        SpfResult::Pass => "pass",
        SpfResult::Fail => "fail",
        SpfResult::SoftFail => "softfail",
        SpfResult::Neutral => "neutral",
        SpfResult::TempError => "temperror",
        SpfResult::PermError => "permerror",
        SpfResult::None => "none",
    }
}

/// Pass if any signature passed; otherwise what the first one came to.
fn dkim_name<'a>(mut results: impl Iterator<Item = &'a DkimResult> + Clone) -> &'static str {
    if results.clone().any(|r| *r == DkimResult::Pass) {
        return "pass";
    }
    match results.next() {
        None | Some(DkimResult::None) => "none",
        Some(DkimResult::TempError(_)) => "temperror",
        Some(DkimResult::PermError(_)) => "permerror",
        Some(_) => "fail",
    }
}

fn dmarc_name(result: &DmarcResult) -> &'static str {
    match result {
        DmarcResult::Pass => "pass",
        DmarcResult::Fail(_) => "fail",
        DmarcResult::TempError(_) => "temperror",
        DmarcResult::PermError(_) => "permerror",
        DmarcResult::None => "none",
    }
}

#[cfg(feature = "testing")]
pub mod testing;
