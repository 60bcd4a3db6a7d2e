//! What a sandbox organisation may not do. The public demo is the one sandbox: anyone enters it
//! without an account, so it never contacts a real person, shares no one with a real
//! organisation, keeps nothing large and issues nothing that outlives a visit. Modules ask
//! [`Sandbox::of`] what an organisation may do instead of knowing which one the demo is; `demo`
//! generates and resets the sandbox's data.

use ferrodesk_domain::{Email, OrgId};
use uuid::Uuid;

use crate::AppError;
use crate::auth::{Lifetime, RateLimit};

/// The demo organisation: the same id across nightly resets, so links into it keep working.
pub const DEMO_ORG_ID: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_de30);
/// The domain of everyone in the demo, under the reserved `.invalid` top-level domain (RFC 2606),
/// which reaches no mailbox.
pub const DEMO_EMAIL_DOMAIN: &str = "northwind.invalid";

/// Mutations one sandbox session may make per hour: each writes at most a few records, so this
/// caps what a visitor (or a script with a visitor's cookie) can add to the shared sandbox.
pub const WRITES_PER_HOUR: RateLimit = RateLimit { max: 300, window_secs: 3600 };
/// A sandbox session ends after two hours without use, and eight hours after it started in any
/// case.
pub const SESSION_LIFETIME: Lifetime = Lifetime { idle_secs: 2 * 3600, max_secs: Some(8 * 3600) };
/// The largest message or file a sandbox accepts: the demo is not file storage.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;

/// What one organisation may do: everything, or a sandbox's share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sandbox {
    on: bool,
}

impl Sandbox {
    pub fn of(org: OrgId) -> Self {
        Self { on: org.into_uuid() == DEMO_ORG_ID }
    }

    /// Whether this organisation is the sandbox.
    pub fn is_on(self) -> bool {
        self.on
    }

    /// Whether its mail leaves: a sandbox's stays in its in-app outbox, and so counts against no
    /// outbound quota.
    pub fn sends_mail(self) -> bool {
        !self.on
    }

    /// The largest message or attachment it accepts, `configured` outside a sandbox.
    pub fn max_upload_bytes(self, configured: usize) -> usize {
        if self.on { configured.min(MAX_UPLOAD_BYTES) } else { configured }
    }

    /// How many writes one session may make, when they are capped.
    pub fn writes_per_hour(self) -> Option<RateLimit> {
        self.on.then_some(WRITES_PER_HOUR)
    }

    /// Whether a sign-in survives the browser being closed: a sandbox's never does.
    pub fn keeps_sessions(self) -> bool {
        !self.on
    }

    /// API tokens would outlive the sandbox's sessions and their limits.
    pub fn check_api_tokens(self) -> Result<(), AppError> {
        if self.on { Err(AppError::Forbidden("the demo does not issue API tokens")) } else { Ok(()) }
    }

    /// A sandbox receives mail only at its own intake address.
    pub fn check_custom_addresses(self) -> Result<(), AppError> {
        if self.on {
            Err(AppError::Forbidden("the demo cannot receive mail at custom addresses"))
        } else {
            Ok(())
        }
    }

    /// The sandbox and real organisations never share a person (docs/SECURITY.md, "The demo is
    /// sealed"). In the sandbox, people a visitor adds (invitations, tickets on someone's behalf,
    /// mail) must have an address at its own domain: it never contacts, or looks up, a real
    /// person. Everywhere else, the sandbox's addresses are refused. The database enforces the
    /// same on every membership; this says it in words first.
    pub fn check_new_person(self, field: &'static str, email: &Email) -> Result<(), AppError> {
        let own_domain = email.as_str().ends_with(&format!("@{DEMO_EMAIL_DOMAIN}"));
        if self.on && !own_domain {
            return Err(AppError::bad_input(
                field,
                format!("in the demo, add people at @{DEMO_EMAIL_DOMAIN} (e.g. sam.new@{DEMO_EMAIL_DOMAIN})"),
            ));
        }
        if !self.on && is_sandbox_address(email) {
            return Err(AppError::bad_input(field, "addresses under .invalid belong to the public demo"));
        }
        Ok(())
    }
}

/// Whether an address is one only the sandbox may hold: any under `.invalid`. The database holds
/// every such identity as the sandbox's (`users_demo_addresses`), and only those.
pub fn is_sandbox_address(email: &Email) -> bool {
    email.as_str().ends_with(".invalid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[test]
    fn the_sandbox_and_real_organisations_never_share_an_address() {
        let (sandbox, real) = (Sandbox::of(OrgId::from_uuid(DEMO_ORG_ID)), Sandbox::of(OrgId::generate()));
        let (inside, outside) = (email("sam.new@northwind.invalid"), email("sam@acme.example"));
        assert!(sandbox.check_new_person("email", &inside).is_ok());
        assert!(sandbox.check_new_person("email", &outside).is_err());
        assert!(real.check_new_person("email", &outside).is_ok());
        assert!(real.check_new_person("email", &inside).is_err());
        assert!(real.check_new_person("email", &email("x@elsewhere.invalid")).is_err());
    }

    #[test]
    fn only_the_sandbox_is_limited() {
        let (sandbox, real) = (Sandbox::of(OrgId::from_uuid(DEMO_ORG_ID)), Sandbox::of(OrgId::generate()));
        assert!(sandbox.is_on() && !real.is_on());
        assert!(!sandbox.sends_mail() && real.sends_mail());
        assert_eq!(sandbox.max_upload_bytes(25 << 20), MAX_UPLOAD_BYTES);
        assert_eq!(real.max_upload_bytes(25 << 20), 25 << 20);
        assert_eq!(sandbox.writes_per_hour().map(|l| l.max), Some(WRITES_PER_HOUR.max));
        assert!(real.writes_per_hour().is_none());
        assert!(!sandbox.keeps_sessions() && real.keeps_sessions());
        assert!(sandbox.check_api_tokens().is_err() && real.check_api_tokens().is_ok());
        assert!(sandbox.check_custom_addresses().is_err() && real.check_custom_addresses().is_ok());
    }
}
