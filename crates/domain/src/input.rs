use std::fmt;

use serde::Serialize;

/// A value that failed to parse, naming the input field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

fn trimmed_text(field: &'static str, raw: &str, max_chars: usize, what: &str) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, format!("{what} must not be empty")));
    }
    if value.chars().count() > max_chars {
        return Err(FieldError::new(field, format!("{what} must be at most {max_chars} characters")));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(FieldError::new(field, format!("{what} must not contain control characters")));
    }
    Ok(value.to_owned())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                trimmed_text($field, raw, $max, $what).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    /// An organisation's display name.
    OrgName, "organizationName", 120, "the organisation name"
);
text_type!(
    /// A person's display name.
    PersonName, "name", 120, "the name"
);
text_type!(
    /// A ticket's subject line.
    Subject, "subject", 250, "the subject"
);

/// An organisation's URL- and mail-safe handle: `acme` in `acme@inbound.example`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Names that would collide with routes, mailboxes or the product itself.
    const RESERVED: &'static [&'static str] = &[
        "admin",
        "api",
        "app",
        "demo",
        "ferrodesk",
        "graphql",
        "help",
        "mail",
        "postmaster",
        "root",
        "support",
        "system",
        "www",
        "abuse",
        "noreply",
        "no-reply",
        "billing",
        "status",
    ];

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let slug = raw.trim().to_ascii_lowercase();
        let valid_chars = slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !(3..=40).contains(&slug.len()) || !valid_chars || slug.starts_with('-') || slug.ends_with('-') {
            return Err(FieldError::new(
                "slug",
                "the slug must be 3 to 40 characters: lower-case letters, digits and inner hyphens",
            ));
        }
        if slug.contains("--") {
            return Err(FieldError::new("slug", "the slug must not contain two hyphens in a row"));
        }
        if Self::RESERVED.contains(&slug.as_str()) {
            return Err(FieldError::new("slug", format!("the slug \"{slug}\" is reserved")));
        }
        Ok(Self(slug))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, normalised to lower case. Deliberately a pragmatic check (one `@`, a dotted
/// domain, no spaces), not RFC 5322: deliverability is what proves an address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_field("email", raw)
    }

    pub fn parse_field(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        let invalid = || FieldError::new(field, "enter an email address such as jane@example.com");
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(FieldError::new(
                "password",
                format!("the password must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(FieldError::new(
                "password",
                format!("the password must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        let distinct = {
            let mut seen: Vec<char> = raw.chars().collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len()
        };
        if distinct < 5 {
            return Err(FieldError::new("password", "the password is too easy to guess"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A ticket tag: lower-case, no spaces, e.g. `vpn` or `new-starter`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TagName(String);

impl TagName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let tag = raw.trim().to_lowercase();
        if tag.is_empty() || tag.chars().count() > 40 {
            return Err(FieldError::new("tags", "a tag must be 1 to 40 characters"));
        }
        if !tag.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')) {
            return Err(FieldError::new(
                "tags",
                format!("the tag \"{tag}\" may contain only letters, digits, '-', '_', '.' and ':'"),
            ));
        }
        Ok(Self(tag))
    }

    /// Parses a list of tags, dropping duplicates and keeping a stable order.
    pub fn parse_list(raw: &[String]) -> Result<Vec<Self>, FieldError> {
        if raw.len() > 20 {
            return Err(FieldError::new("tags", "a ticket can have at most 20 tags"));
        }
        let mut tags = raw.iter().map(|t| Self::parse(t)).collect::<Result<Vec<_>, _>>()?;
        tags.sort();
        tags.dedup();
        Ok(tags)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_normalised_and_checked() {
        assert_eq!(Slug::parse(" Acme-IT ").map(|s| s.0), Ok("acme-it".into()));
        for bad in ["ab", "-acme", "acme-", "ac me", "acmé", "a--b", "admin", &"x".repeat(41)] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn emails_are_lower_cased_and_need_a_domain() {
        assert_eq!(Email::parse("Jane.Doe@Example.COM").map(|e| e.0), Ok("jane.doe@example.com".into()));
        for bad in ["", "jane", "jane@", "@example.com", "jane@example", "ja ne@example.com", "a@b@c.d"] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn weak_passwords_are_rejected_with_the_field() {
        let err = Password::parse("short").err();
        assert_eq!(err.map(|e| e.field), Some("password"));
        assert!(Password::parse("aaaaaaaaaaaaaaa").is_err());
        assert!(Password::parse("correct horse battery").is_ok());
        assert_eq!(format!("{:?}", Password::parse("correct horse battery")), "Ok(Password(<redacted>))");
    }

    #[test]
    fn subjects_are_trimmed_and_bounded() {
        assert_eq!(Subject::parse("  VPN down ").map(|s| s.0), Ok("VPN down".into()));
        assert_eq!(Subject::parse("   ").err().map(|e| e.field), Some("subject"));
        assert!(Subject::parse(&"x".repeat(251)).is_err());
        assert!(Subject::parse(&"é".repeat(250)).is_ok());
    }

    #[test]
    fn tags_are_deduplicated() {
        let tags = TagName::parse_list(&["VPN".into(), "vpn".into(), "laptop".into()]);
        assert_eq!(
            tags.map(|t| t.into_iter().map(|t| t.0).collect::<Vec<_>>()),
            Ok(vec!["laptop".into(), "vpn".into()])
        );
        assert!(TagName::parse("two words").is_err());
    }
}
