//! An authoritative DNS server in the test's (or benchmark's) own process, and mail domains that
//! publish SPF, DKIM and DMARC in it and sign their messages: what the intake's authentication
//! is tested and measured against, through the same resolver path as production (the worker is
//! pointed at it with `MAIL_DNS_RESOLVER`). Only with the `testing` feature.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use hickory_server::Server;
use hickory_server::proto::rr::rdata::{SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;

const SERIAL: u32 = 1;

/// A DNS server answering for the whole namespace from records the test publishes: every name it
/// was not given is an authoritative "no such name".
pub struct Dns {
    /// The same port for UDP and TCP.
    pub addr: SocketAddr,
    zone: Arc<InMemoryZoneHandler>,
    _server: Server<Catalog>,
}

impl Dns {
    pub async fn start() -> anyhow::Result<Self> {
        // One zone at the root: a zone at `example.test.` would answer REFUSED for the parent
        // names DMARC also asks about, which resolvers report as a temporary error.
        let mut zone = InMemoryZoneHandler::empty(Name::root(), ZoneType::Primary, AxfrPolicy::Deny);
        let soa = SOA::new(
            Name::from_str("ns.test.")?,
            Name::from_str("hostmaster.test.")?,
            SERIAL,
            3600,
            600,
            86400,
            1,
        );
        zone.upsert_mut(Record::from_rdata(Name::root(), 1, RData::SOA(soa)), SERIAL);
        let zone = Arc::new(zone);
        let mut catalog = Catalog::new();
        catalog.upsert(LowerName::from(Name::root()), vec![zone.clone()]);
        let (udp, tcp) = loop {
            let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
            if let Ok(tcp) = tokio::net::TcpListener::bind(udp.local_addr()?).await {
                break (udp, tcp);
            }
        };
        let addr = udp.local_addr()?;
        let mut server = Server::new(catalog);
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 65_535);
        Ok(Self { addr, zone, _server: server })
    }

    /// Publishes a TXT record (split into character-strings of 255 bytes).
    pub async fn txt(&self, name: &str, value: &str) -> anyhow::Result<()> {
        let name = Name::from_str(name)?.append_domain(&Name::root())?;
        let chunks = value.as_bytes().chunks(255).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        self.zone.upsert(Record::from_rdata(name, 60, RData::TXT(TXT::new(chunks))), SERIAL).await;
        Ok(())
    }

    /// A mail domain that sends from `sender_ip`, signs with a key made now, and asks receivers
    /// to reject what fails (`p=reject`).
    pub async fn domain(&self, domain: &str, sender_ip: IpAddr) -> anyhow::Result<MailDomain> {
        let pkcs8 = Ed25519Key::generate_pkcs8().map_err(|e| anyhow::anyhow!("{e}"))?;
        let key = Ed25519Key::from_pkcs8_der(&pkcs8).map_err(|e| anyhow::anyhow!("{e}"))?;
        let public = base64::engine::general_purpose::STANDARD.encode(key.public_key());
        let ip = match sender_ip {
            IpAddr::V4(v4) => format!("ip4:{v4}"),
            IpAddr::V6(v6) => format!("ip6:{v6}"),
        };
        self.txt(domain, &format!("v=spf1 {ip} -all")).await?;
        self.txt(&format!("_dmarc.{domain}"), "v=DMARC1; p=reject").await?;
        self.txt(&format!("sel._domainkey.{domain}"), &format!("v=DKIM1; k=ed25519; p={public}")).await?;
        Ok(MailDomain { domain: domain.to_owned(), pkcs8 })
    }
}

/// A domain whose mail passes DMARC when signed by [`MailDomain::sign`].
#[derive(Clone)]
pub struct MailDomain {
    pub domain: String,
    pkcs8: Vec<u8>,
}

impl MailDomain {
    /// The message with a `DKIM-Signature` of this domain's (relaxed/relaxed, selector `sel`).
    pub fn sign(&self, message: &[u8]) -> anyhow::Result<Vec<u8>> {
        let key = Ed25519Key::from_pkcs8_der(&self.pkcs8).map_err(|e| anyhow::anyhow!("{e}"))?;
        let signature = DkimSigner::from_key(key)
            .domain(&self.domain)
            .selector("sel")
            .headers(["From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References"])
            .sign(message)
            .map_err(|e| anyhow::anyhow!("signing: {e}"))?;
        let mut signed = signature.to_header().into_bytes();
        signed.extend_from_slice(message);
        Ok(signed)
    }
}
