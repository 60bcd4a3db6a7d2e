//! Recipient addresses of the intake: `<slug>@<INBOUND_DOMAIN>`, optionally with a reply token as a
//! plus tag (`acme+k3f9w2qd7c@inbound.example`), or a customer's own verified alias.

/// Lower-cases an address and strips surrounding angle brackets and whitespace. Returns `None`
/// when it is not shaped like `local@domain`.
pub fn normalize_address(raw: &str) -> Option<String> {
    let trimmed = raw.trim().trim_start_matches('<').trim_end_matches('>').trim();
    let (local, domain) = trimmed.rsplit_once('@')?;
    if local.is_empty()
        || domain.is_empty()
        || trimmed.len() > 254
        || trimmed.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
    {
        return None;
    }
    Some(format!("{}@{}", local.to_lowercase(), domain.trim_end_matches('.').to_lowercase()))
}

/// A recipient at our inbound domain, split into the organisation's slug and the optional tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundAddress {
    pub slug: String,
    pub tag: Option<String>,
}

impl InboundAddress {
    /// Reads `slug[+tag]@domain` when `domain` is the inbound domain; anything else is `None`
    /// (it may still be a verified alias, which only the database knows).
    pub fn parse(address: &str, inbound_domain: &str) -> Option<Self> {
        let address = normalize_address(address)?;
        let (local, domain) = address.rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(inbound_domain.trim_end_matches('.')) {
            return None;
        }
        let (slug, tag) = match local.split_once('+') {
            Some((slug, tag)) => (slug, Some(tag).filter(|t| !t.is_empty())),
            None => (local, None),
        };
        let valid_slug = slug.len() >= 3
            && slug.len() <= 40
            && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let valid_tag = tag.is_none_or(|t| t.len() <= 64 && t.bytes().all(|b| b.is_ascii_alphanumeric()));
        (valid_slug && valid_tag).then(|| Self { slug: slug.to_owned(), tag: tag.map(str::to_owned) })
    }

    /// The address that replies should go to: the organisation's address with the ticket's token.
    pub fn reply_address(slug: &str, token: &str, inbound_domain: &str) -> String {
        format!("{slug}+{token}@{inbound_domain}")
    }
}

/// A ticket's reply token: 16 characters of `fd_new_reply_token`'s alphabet (no 0/o, 1/l), each
/// picked by `draw`, which returns a number below 32.
pub fn reply_token(mut draw: impl FnMut() -> usize) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    (0..16).map(|_| char::from(ALPHABET[draw() % 32])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_addresses() {
        assert_eq!(normalize_address(" <Ann@Example.COM> ").as_deref(), Some("ann@example.com"));
        assert_eq!(normalize_address("ann@example.com.").as_deref(), Some("ann@example.com"));
        assert_eq!(normalize_address("no-at-sign"), None);
        assert_eq!(normalize_address("@example.com"), None);
        assert_eq!(normalize_address("a b@example.com"), None);
    }

    #[test]
    fn reads_slug_and_tag() {
        let domain = "inbound.localhost";
        assert_eq!(
            InboundAddress::parse("Acme@Inbound.Localhost", domain),
            Some(InboundAddress { slug: "acme".into(), tag: None })
        );
        assert_eq!(
            InboundAddress::parse("acme+k3f9w2@inbound.localhost", domain),
            Some(InboundAddress { slug: "acme".into(), tag: Some("k3f9w2".into()) })
        );
        assert_eq!(InboundAddress::parse("acme@elsewhere.test", domain), None);
        assert_eq!(InboundAddress::parse("a@inbound.localhost", domain), None);
        assert_eq!(InboundAddress::parse("acme+bad.tag@inbound.localhost", domain), None);
        assert_eq!(InboundAddress::parse("ac_me@inbound.localhost", domain), None);
    }
}
