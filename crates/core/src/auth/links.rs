//! The tokens of links and codes mailed to people (docs/SECURITY.md §Identity): invitations,
//! address confirmations, password resets, changes of address and forwarding-alias codes.
//!
//! A token is an HMAC of its purpose and its record's id under the server's `SECRET_KEY`. So:
//! - it exists only in the mail: the database keeps its SHA-256 for the look-up, and the stored
//!   copy of an organisation's outbound mail holds [`ferrodesk_mail::outbound::SECRET_PLACEHOLDER`]
//!   where the link goes, filled in by the worker as it hands the message to the transport;
//! - the gateway (which records the hash) and the worker (which writes the mail) derive the same
//!   token independently, and a retried send carries the same one;
//! - nobody who reads the database, an outbox or a job can make a working link.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::token_hash;

type HmacSha256 = hmac::Hmac<sha2_11::Sha256>;

/// What a mailed token proves, and where it leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Joining an organisation (`invitations.id`).
    Invitation,
    /// Confirming a new identity's address (`email_links`).
    ConfirmEmail,
    /// Setting a password (`email_links`).
    ResetPassword,
    /// Taking a new address (`email_links`, mailed to the new address).
    ChangeEmail,
    /// Verifying a forwarding alias (`mail_aliases.id`): a code to paste or to come back by mail.
    MailAlias,
}

impl LinkPurpose {
    /// Stored beside a placeholder and in `email_links.purpose`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::ConfirmEmail => "confirm_email",
            Self::ResetPassword => "reset_password",
            Self::ChangeEmail => "change_email",
            Self::MailAlias => "mail_alias",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Invitation, Self::ConfirmEmail, Self::ResetPassword, Self::ChangeEmail, Self::MailAlias]
            .into_iter()
            .find(|p| p.as_str() == raw)
    }

    /// A readable prefix, so that a token pasted in the wrong place is recognised.
    fn prefix(self) -> &'static str {
        match self {
            Self::Invitation => "fdi_",
            Self::ConfirmEmail => "fdc_",
            Self::ResetPassword => "fdr_",
            Self::ChangeEmail => "fde_",
            Self::MailAlias => "",
        }
    }

    /// The web app's page for the link.
    fn path(self) -> &'static str {
        match self {
            Self::Invitation => "/invitations/",
            Self::ConfirmEmail => "/account/confirm/",
            Self::ResetPassword => "/account/reset/",
            Self::ChangeEmail => "/account/email/",
            Self::MailAlias => "/admin/email?code=",
        }
    }
}

/// The alphabet of alias codes: no 0/O or 1/I to misread.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Derives tokens from the server's secret.
#[derive(Clone)]
pub struct LinkKey {
    key: SecretString,
    public_url: String,
}

impl LinkKey {
    pub fn new(secret_key: &SecretString, public_url: &str) -> Self {
        Self { key: secret_key.clone(), public_url: public_url.trim_end_matches('/').to_owned() }
    }

    fn mac(&self, purpose: LinkPurpose, id: Uuid) -> [u8; 32] {
        // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
        let mut mac = match HmacSha256::new_from_slice(self.key.expose_secret().as_bytes()) {
            Ok(mac) => mac,
            Err(_) => return [0; 32],
        };
        mac.update(purpose.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(id.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The token for a record: 256 bits, URL-safe. An alias code is 16 letters and digits (80 bits),
    /// short enough to type.
    pub fn token(&self, purpose: LinkPurpose, id: Uuid) -> String {
        let mac = self.mac(purpose, id);
        match purpose {
            LinkPurpose::MailAlias => {
                mac.iter().take(16).map(|b| char::from(CODE_ALPHABET[usize::from(b % 32)])).collect()
            }
            _ => format!("{}{}", purpose.prefix(), URL_SAFE_NO_PAD.encode(mac)),
        }
    }

    /// What the database keeps of a token.
    pub fn hash(&self, purpose: LinkPurpose, id: Uuid) -> Vec<u8> {
        token_hash(&self.token(purpose, id))
    }

    /// The link (or, for an alias, the code) that goes in the mail.
    pub fn secret(&self, purpose: LinkPurpose, id: Uuid) -> String {
        match purpose {
            LinkPurpose::MailAlias => self.token(purpose, id),
            _ => format!("{}{}{}", self.public_url, purpose.path(), self.token(purpose, id)),
        }
    }

    /// An alias code as someone typed it: upper case, without spaces or dashes.
    pub fn normalize_code(code: &str) -> String {
        code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(secret: &str) -> LinkKey {
        LinkKey::new(&SecretString::from(secret.to_owned()), "https://desk.example.com/")
    }

    #[test]
    fn a_token_depends_on_the_secret_the_purpose_and_the_record() {
        let id = Uuid::now_v7();
        let k = key("one secret that is long enough for production");
        let t = k.token(LinkPurpose::ResetPassword, id);
        assert!(t.starts_with("fdr_") && t.len() == 4 + 43, "{t}");
        assert_eq!(t, k.token(LinkPurpose::ResetPassword, id), "the worker derives the same token");
        assert_ne!(t, k.token(LinkPurpose::ConfirmEmail, id).replacen("fdc_", "fdr_", 1));
        assert_ne!(t, k.token(LinkPurpose::ResetPassword, Uuid::now_v7()));
        assert_ne!(t, key("another secret, equally long enough").token(LinkPurpose::ResetPassword, id));
        assert_eq!(k.hash(LinkPurpose::ResetPassword, id), token_hash(&t));
        assert_eq!(
            k.secret(LinkPurpose::ResetPassword, id),
            format!("https://desk.example.com/account/reset/{t}")
        );
    }

    #[test]
    fn alias_codes_are_short_and_typeable() {
        let code = key("k").token(LinkPurpose::MailAlias, Uuid::now_v7());
        assert_eq!(code.len(), 16);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
        assert_eq!(LinkKey::normalize_code(&format!(" {}-{} ", &code[..8].to_lowercase(), &code[8..])), code);
    }
}
