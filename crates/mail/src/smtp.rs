//! A small SMTP (RFC 5321) and LMTP (RFC 2033) server for the intake.
//!
//! It speaks ESMTP with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES and, when a certificate
//! is configured, STARTTLS. It decides nothing about mail itself: an [`Intake`] says whether a
//! recipient exists and stores the message. The reply to DATA comes only after the intake has
//! stored the message durably, so the sending server keeps any message we did not confirm.
//! Every read has a timeout, lines and messages have size caps, the number of concurrent sessions
//! is bounded (overall and per client address), the messages being received share one memory
//! budget, and errors (unknown recipients included) end a session after ten; malformed input gets
//! a reply code, never a crash (docs/SECURITY.md, "The intake's limits").

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio_rustls::TlsAcceptor;

use crate::address::normalize_address;

/// Longest command line accepted (RFC 5321 asks for at least 512 octets).
const MAX_COMMAND_LINE: usize = 4096;
/// Longest line inside DATA that is kept whole (RFC 5321 allows 1000; real mail is sloppier).
const MAX_DATA_LINE: usize = 1 << 20;
/// Protocol errors tolerated before the session is closed; each unknown recipient counts.
const MAX_ERRORS: u32 = 10;
/// The memory budget's unit: a message being received takes a permit per KiB, 64 at a time.
const BUDGET_UNIT: usize = 1024;
const BUDGET_STEP: u32 = 64;

#[derive(Clone)]
pub struct ServerConfig {
    pub hostname: String,
    pub max_message_bytes: usize,
    pub max_recipients: usize,
    pub max_sessions: usize,
    /// Sessions one client address may hold at once.
    pub max_sessions_per_ip: usize,
    /// How long a session may wait for the client's next command.
    pub command_timeout: Duration,
    /// How long a message's data may pause, and take in all.
    pub data_idle_timeout: Duration,
    pub data_timeout: Duration,
    /// The bytes all sessions may hold of messages being received, in [`BUDGET_UNIT`]s: a
    /// message that would go over it is answered `452` (try later) and dropped, whatever its size.
    pub memory: Arc<Semaphore>,
    /// Speak LMTP (LHLO, one reply per recipient after DATA) instead of SMTP.
    pub lmtp: bool,
    /// Offer STARTTLS with this certificate.
    pub tls: Option<TlsAcceptor>,
}

impl ServerConfig {
    pub fn new(hostname: impl Into<String>) -> Self {
        Self {
            hostname: hostname.into(),
            max_message_bytes: 25 * 1024 * 1024,
            max_recipients: 100,
            max_sessions: 256,
            max_sessions_per_ip: 20,
            command_timeout: Duration::from_secs(60),
            data_idle_timeout: Duration::from_secs(30),
            data_timeout: Duration::from_secs(300),
            memory: Arc::new(Semaphore::new(256 * 1024 * 1024 / BUDGET_UNIT)),
            lmtp: false,
            tls: None,
        }
    }
}

/// Loads a PEM certificate chain and private key for STARTTLS.
pub fn tls_acceptor(cert_pem: &[u8], key_pem: &[u8]) -> anyhow::Result<TlsAcceptor> {
    let certs = rustls_pemfile::certs(&mut &cert_pem[..]).collect::<Result<Vec<_>, _>>()?;
    let key = rustls_pemfile::private_key(&mut &key_pem[..])?
        .ok_or_else(|| anyhow::anyhow!("no private key in the key file"))?;
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(certs, key)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// What the intake says about one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RcptVerdict {
    Accept,
    /// `550`: nobody receives mail at this address.
    Unknown,
    /// `451`: cannot tell right now (the database is down); the sender retries.
    TryLater,
}

/// What became of a message for one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Durably stored; the text is the queue id for the reply.
    Stored(String),
    /// `451`: not stored; the sender should retry.
    TryLater(String),
    /// `554`: refused for good.
    Rejected(String),
}

#[derive(Debug, Clone)]
pub struct Envelope {
    pub peer: SocketAddr,
    pub helo: String,
    /// The reverse path; empty for the null sender `<>` (bounces).
    pub mail_from: String,
    /// Accepted recipients, normalised.
    pub recipients: Vec<String>,
}

/// The intake's side of the conversation.
pub trait Intake: Send + Sync + 'static {
    fn check_recipient(&self, address: &str) -> impl Future<Output = RcptVerdict> + Send;
    /// Stores the message; one result per recipient, in the envelope's order.
    fn deliver(&self, envelope: &Envelope, message: Vec<u8>) -> impl Future<Output = Vec<Delivery>> + Send;
}

/// Accepts connections until `stop` turns true; sessions in progress finish on their own.
pub async fn serve<I: Intake>(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    intake: Arc<I>,
    mut stop: watch::Receiver<bool>,
) {
    let sessions = Arc::new(Semaphore::new(config.max_sessions.max(1)));
    let per_ip: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>> = Arc::default();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => if *stop.borrow() { break } else { continue },
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                tracing::warn!(%error, "smtp accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let config = config.clone();
        let intake = intake.clone();
        let permit = sessions.clone().try_acquire_owned();
        let address = PeerSlot::take(&per_ip, peer.ip(), config.max_sessions_per_ip);
        tokio::spawn(async move {
            let (Ok(_permit), Some(_address)) = (permit, address) else {
                let mut stream = stream;
                let line = format!("421 4.3.2 {} too busy, try again later\r\n", config.hostname);
                let _ = stream.write_all(line.as_bytes()).await;
                return;
            };
            if let Err(error) = session(QuickAck(stream), peer, &config, &*intake).await {
                tracing::debug!(%peer, %error, "smtp session ended with an error");
            }
        });
    }
}

/// One of a client address's sessions, given back when the session ends.
struct PeerSlot {
    open: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
    ip: std::net::IpAddr,
}

impl PeerSlot {
    fn take(
        open: &Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
        ip: std::net::IpAddr,
        max: usize,
    ) -> Option<Self> {
        let mut map = open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = map.entry(ip).or_default();
        if *held >= max.max(1) {
            return None;
        }
        *held += 1;
        Some(Self { open: open.clone(), ip })
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut map = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(held) = map.get_mut(&self.ip) {
            *held -= 1;
            if *held == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// One client connection, with at most one upgrade to TLS.
/// The intake's socket, acknowledging every read at once (`TCP_QUICKACK`, which Linux clears by
/// itself, so it is set again after each read; setting it also sends an acknowledgement that
/// was being delayed).
///
/// A client without `TCP_NODELAY` (lettre's, for one) writes the message and then the final
/// `.` separately; Nagle's algorithm holds the dot until the message is acknowledged, and a
/// receiver that delays its acknowledgement (40 ms on Linux) waiting for more data made every
/// message take 40 ms longer than processing it.
struct QuickAck(tokio::net::TcpStream);

impl AsyncRead for QuickAck {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut this.0).poll_read(cx, buf);
        if buf.filled().len() > before {
            #[cfg(target_os = "linux")]
            let _ = socket2::SockRef::from(&this.0).set_tcp_quickack(true);
        }
        polled
    }
}

impl AsyncWrite for QuickAck {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

pub async fn session<S, I>(
    stream: S,
    peer: SocketAddr,
    config: &ServerConfig,
    intake: &I,
) -> std::io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
    I: Intake,
{
    let mut conversation = Conversation::new(peer, config, intake);
    match conversation.run(stream, false).await? {
        End::Closed => Ok(()),
        End::StartTls(plain) => {
            let Some(acceptor) = config.tls.clone() else { return Ok(()) };
            let tls = acceptor.accept(plain).await?;
            let mut conversation = Conversation::new(peer, config, intake);
            conversation.run(tls, true).await.map(|_| ())
        }
    }
}

enum End<S> {
    Closed,
    StartTls(S),
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    Eof,
}

struct Conversation<'a, I> {
    peer: SocketAddr,
    config: &'a ServerConfig,
    intake: &'a I,
    helo: Option<String>,
    mail_from: Option<String>,
    recipients: Vec<String>,
    errors: u32,
    /// Set when the session is to end after its pending replies (too many errors).
    closing: bool,
    out: Vec<u8>,
}

impl<'a, I: Intake> Conversation<'a, I> {
    fn new(peer: SocketAddr, config: &'a ServerConfig, intake: &'a I) -> Self {
        Self {
            peer,
            config,
            intake,
            helo: None,
            mail_from: None,
            recipients: Vec::new(),
            errors: 0,
            closing: false,
            out: Vec::with_capacity(512),
        }
    }

    fn reply(&mut self, line: &str) {
        self.out.extend_from_slice(line.as_bytes());
        self.out.extend_from_slice(b"\r\n");
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.recipients.clear();
    }

    async fn flush<S: AsyncWrite + Unpin>(&mut self, stream: &mut S) -> std::io::Result<()> {
        if !self.out.is_empty() {
            stream.write_all(&self.out).await?;
            stream.flush().await?;
            self.out.clear();
        }
        Ok(())
    }

    async fn run<S>(&mut self, stream: S, tls_active: bool) -> std::io::Result<End<S>>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        let host = self.config.hostname.clone();
        let mut reader = BufReader::with_capacity(16 * 1024, stream);
        if !tls_active {
            let proto = if self.config.lmtp { "LMTP" } else { "ESMTP" };
            self.reply(&format!("220 {host} {proto} Ferrodesk ready"));
        }
        loop {
            // Replies to pipelined commands go out together, once the client's batch is read.
            if reader.buffer().is_empty() {
                self.flush(reader.get_mut()).await?;
            }
            let line = match tokio::time::timeout(
                self.config.command_timeout,
                read_line(&mut reader, MAX_COMMAND_LINE),
            )
            .await
            {
                Err(_) => {
                    self.reply(&format!("421 4.4.2 {host} timeout, closing connection"));
                    self.flush(reader.get_mut()).await?;
                    return Ok(End::Closed);
                }
                Ok(line) => line?,
            };
            let line = match line {
                Line::Eof => return Ok(End::Closed),
                Line::TooLong => {
                    self.reply("500 5.5.6 line too long");
                    if self.count_error() {
                        self.flush(reader.get_mut()).await?;
                        return Ok(End::Closed);
                    }
                    continue;
                }
                Line::Text(bytes) => bytes,
            };
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            let (verb, arg) = match text.split_once(' ') {
                Some((v, a)) => (v.to_ascii_uppercase(), a.trim()),
                None => (text.to_ascii_uppercase(), ""),
            };
            match verb.as_str() {
                "EHLO" | "HELO" if self.config.lmtp => {
                    self.reply("500 5.5.1 this is an LMTP server: use LHLO");
                }
                "LHLO" if !self.config.lmtp => self.reply("500 5.5.1 unrecognised command"),
                "EHLO" | "LHLO" => {
                    if arg.is_empty() {
                        self.reply("501 5.5.4 say who you are: EHLO <domain>");
                        continue;
                    }
                    self.reset();
                    self.helo = Some(arg.to_owned());
                    let mut lines = vec![
                        format!("{host} greets {arg}"),
                        "PIPELINING".to_owned(),
                        format!("SIZE {}", self.config.max_message_bytes),
                        "8BITMIME".to_owned(),
                        "ENHANCEDSTATUSCODES".to_owned(),
                    ];
                    if self.config.tls.is_some() && !tls_active {
                        lines.push("STARTTLS".to_owned());
                    }
                    let last = lines.len() - 1;
                    for (i, l) in lines.iter().enumerate() {
                        let sep = if i == last { ' ' } else { '-' };
                        self.reply(&format!("250{sep}{l}"));
                    }
                }
                "HELO" => {
                    if arg.is_empty() {
                        self.reply("501 5.5.4 say who you are: HELO <domain>");
                        continue;
                    }
                    self.reset();
                    self.helo = Some(arg.to_owned());
                    self.reply(&format!("250 {host}"));
                }
                "STARTTLS" => {
                    if tls_active || self.config.tls.is_none() {
                        self.reply("502 5.5.1 STARTTLS not available");
                    } else if !arg.is_empty() {
                        self.reply("501 5.5.4 STARTTLS takes no parameters");
                    } else {
                        self.reply("220 2.0.0 ready to start TLS");
                        self.flush(reader.get_mut()).await?;
                        // Anything the client pipelined after STARTTLS is discarded (RFC 3207 §4.2).
                        return Ok(End::StartTls(reader.into_inner()));
                    }
                }
                "MAIL" => self.mail(arg),
                "RCPT" => {
                    self.rcpt(arg).await;
                    if self.closing {
                        self.flush(reader.get_mut()).await?;
                        return Ok(End::Closed);
                    }
                }
                "DATA" => {
                    if !arg.is_empty() {
                        self.reply("501 5.5.4 DATA takes no parameters");
                    } else if self.mail_from.is_none() {
                        self.reply("503 5.5.1 send MAIL FROM first");
                    } else if self.recipients.is_empty() {
                        self.reply("554 5.5.1 no valid recipients");
                    } else {
                        self.reply("354 end data with <CR><LF>.<CR><LF>");
                        self.flush(reader.get_mut()).await?;
                        match tokio::time::timeout(self.config.data_timeout, self.data(&mut reader)).await {
                            Err(_) => {
                                self.reply(&format!("421 4.4.2 {host} timeout while receiving data"));
                                self.flush(reader.get_mut()).await?;
                                return Ok(End::Closed);
                            }
                            Ok(result) => {
                                if !result? {
                                    return Ok(End::Closed);
                                }
                            }
                        }
                    }
                }
                "BDAT" => self.reply("502 5.5.1 CHUNKING is not offered"),
                "RSET" => {
                    self.reset();
                    self.reply("250 2.0.0 OK");
                }
                "NOOP" => self.reply("250 2.0.0 OK"),
                "VRFY" => self.reply("252 2.5.0 cannot VRFY, but will accept the message"),
                "HELP" => self.reply("214 2.0.0 see RFC 5321"),
                "QUIT" => {
                    self.reply(&format!("221 2.0.0 {host} closing connection"));
                    self.flush(reader.get_mut()).await?;
                    return Ok(End::Closed);
                }
                _ => {
                    self.reply("500 5.5.2 unrecognised command");
                    if self.count_error() {
                        self.flush(reader.get_mut()).await?;
                        return Ok(End::Closed);
                    }
                }
            }
        }
    }

    /// Counts a protocol error; true when the session should end.
    fn count_error(&mut self) -> bool {
        self.errors += 1;
        if self.errors >= MAX_ERRORS {
            self.reply("421 4.7.0 too many errors, closing connection");
            true
        } else {
            false
        }
    }

    fn mail(&mut self, arg: &str) {
        if self.helo.is_none() {
            return self.reply("503 5.5.1 say hello first (EHLO)");
        }
        if self.mail_from.is_some() {
            return self.reply("503 5.5.1 nested MAIL command");
        }
        let Some((path, params)) = path_argument(arg, "FROM:") else {
            return self.reply("501 5.5.4 syntax: MAIL FROM:<address>");
        };
        let path = if path.is_empty() {
            String::new()
        } else {
            match normalize_address(&path) {
                Some(a) => a,
                None => return self.reply("501 5.1.7 bad sender address syntax"),
            }
        };
        for param in params.split_whitespace() {
            let (key, value) = param.split_once('=').unwrap_or((param, ""));
            match key.to_ascii_uppercase().as_str() {
                "SIZE" => match value.parse::<u64>() {
                    Ok(size) if size > self.config.max_message_bytes as u64 => {
                        return self.reply("552 5.3.4 message size exceeds the fixed limit");
                    }
                    Ok(_) => {}
                    Err(_) => return self.reply("501 5.5.4 bad SIZE parameter"),
                },
                "BODY" if value.eq_ignore_ascii_case("7BIT") || value.eq_ignore_ascii_case("8BITMIME") => {}
                "SMTPUTF8" | "AUTH" | "RET" | "ENVID" => {}
                _ => return self.reply("555 5.5.4 unsupported MAIL parameter"),
            }
        }
        self.mail_from = Some(path);
        self.reply("250 2.1.0 sender OK");
    }

    async fn rcpt(&mut self, arg: &str) {
        if self.mail_from.is_none() {
            return self.reply("503 5.5.1 send MAIL FROM first");
        }
        let Some((path, _params)) = path_argument(arg, "TO:") else {
            return self.reply("501 5.5.4 syntax: RCPT TO:<address>");
        };
        let Some(address) = normalize_address(&path) else {
            return self.reply("501 5.1.3 bad recipient address syntax");
        };
        if self.recipients.len() >= self.config.max_recipients {
            return self.reply("452 4.5.3 too many recipients");
        }
        match self.intake.check_recipient(&address).await {
            RcptVerdict::Accept => {
                if !self.recipients.contains(&address) {
                    self.recipients.push(address);
                }
                self.reply("250 2.1.5 recipient OK");
            }
            RcptVerdict::Unknown => {
                self.reply("550 5.1.1 no such recipient here");
                // Guessing addresses is the same mistake, made on purpose: it counts.
                if self.count_error() {
                    self.closing = true;
                }
            }
            RcptVerdict::TryLater => self.reply("451 4.3.0 cannot accept mail right now, try again later"),
        }
    }

    /// Reads the message up to the lone dot and hands it to the intake. Returns false when the
    /// client went away.
    async fn data<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        reader: &mut BufReader<S>,
    ) -> std::io::Result<bool> {
        let max = self.config.max_message_bytes;
        let helo = self.helo.clone().unwrap_or_default();
        let mut message =
            received_header(&helo, self.peer, &self.config.hostname, self.config.lmtp).into_bytes();
        let header_len = message.len();
        let mut too_big = false;
        // What this message holds of the shared memory budget, until it has been delivered.
        let mut budget = Budget::new(&self.config.memory);
        let mut over_budget = false;
        loop {
            let line =
                match tokio::time::timeout(self.config.data_idle_timeout, read_line(reader, MAX_DATA_LINE))
                    .await
                {
                    Err(_) => return Ok(false),
                    Ok(line) => line?,
                };
            let line = match line {
                Line::Eof => return Ok(false),
                Line::TooLong => {
                    // A line over a megabyte is not mail any server should relay.
                    too_big = true;
                    message = Vec::new();
                    continue;
                }
                Line::Text(line) => line,
            };
            let content = line.strip_suffix(b"\n").unwrap_or(&line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if content == b"." {
                break;
            }
            if too_big {
                continue;
            }
            let content = content.strip_prefix(b".").unwrap_or(content);
            if message.len() - header_len + content.len() + 2 > max {
                too_big = true;
                message = Vec::new();
                continue;
            }
            if !budget.cover(message.len() + content.len() + 2) {
                // The intake holds all it may: this message waits for another try.
                over_budget = true;
                too_big = true;
                message = Vec::new();
                continue;
            }
            message.extend_from_slice(content);
            message.extend_from_slice(b"\r\n");
        }
        let recipients = std::mem::take(&mut self.recipients);
        let mail_from = self.mail_from.take().unwrap_or_default();
        if over_budget {
            for _ in self.reply_targets(&recipients) {
                self.reply("452 4.3.1 insufficient system storage, try again later");
            }
            return Ok(true);
        }
        if too_big {
            for _ in self.reply_targets(&recipients) {
                self.reply("552 5.3.4 message size exceeds the fixed limit");
            }
            return Ok(true);
        }
        let envelope = Envelope { peer: self.peer, helo, mail_from, recipients };
        let results = self.intake.deliver(&envelope, message).await;
        let lines: Vec<String> = if self.config.lmtp {
            envelope.recipients.iter().enumerate().map(|(i, _)| delivery_line(results.get(i))).collect()
        } else {
            // One reply for the whole message: it is only "stored" when stored for everyone.
            let worst = results
                .iter()
                .find(|r| matches!(r, Delivery::TryLater(_)))
                .or_else(|| results.iter().find(|r| matches!(r, Delivery::Rejected(_))))
                .or(results.first());
            vec![delivery_line(worst)]
        };
        for line in lines {
            self.reply(&line);
        }
        Ok(true)
    }

    fn reply_targets<'r>(&self, recipients: &'r [String]) -> &'r [String] {
        if self.config.lmtp { recipients } else { &recipients[..recipients.len().min(1)] }
    }
}

/// A message's share of the intake's memory budget ([`ServerConfig::memory`]), taken as it grows
/// and given back when it is dropped.
struct Budget {
    memory: Arc<Semaphore>,
    held: Vec<OwnedSemaphorePermit>,
    units: usize,
}

impl Budget {
    fn new(memory: &Arc<Semaphore>) -> Self {
        Self { memory: memory.clone(), held: Vec::new(), units: 0 }
    }

    /// Holds enough for `bytes`; false when the budget has no more to give right now.
    fn cover(&mut self, bytes: usize) -> bool {
        while self.units * BUDGET_UNIT < bytes {
            match self.memory.clone().try_acquire_many_owned(BUDGET_STEP) {
                Ok(permit) => {
                    self.held.push(permit);
                    self.units += BUDGET_STEP as usize;
                }
                Err(_) => return false,
            }
        }
        true
    }
}

fn delivery_line(result: Option<&Delivery>) -> String {
    match result {
        Some(Delivery::Stored(id)) => format!("250 2.0.0 OK queued as {id}"),
        Some(Delivery::Rejected(reason)) => format!("554 5.6.0 {reason}"),
        Some(Delivery::TryLater(reason)) => format!("451 4.3.0 {reason}"),
        None => "451 4.3.0 not stored, try again later".to_owned(),
    }
}

fn received_header(helo: &str, peer: SocketAddr, host: &str, lmtp: bool) -> String {
    let helo: String = helo.chars().filter(|c| c.is_ascii_graphic()).take(255).collect();
    let with = if lmtp { "LMTP" } else { "ESMTP" };
    format!(
        "Received: from {helo} ([{}])\r\n\tby {host} (Ferrodesk) with {with};\r\n\t{}\r\n",
        peer.ip(),
        chrono::Utc::now().to_rfc2822()
    )
}

/// Splits `FROM:<path> params` (the keyword case-insensitively, a space after the colon
/// tolerated). The path is returned without angle brackets.
fn path_argument(arg: &str, keyword: &str) -> Option<(String, String)> {
    if !arg.get(..keyword.len()).is_some_and(|head| head.eq_ignore_ascii_case(keyword)) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        let path = &inner[..end];
        // A source route (`<@a,@b:user@host>`) is ignored as RFC 5321 §4.1.2 allows.
        let path = path.rsplit_once(':').filter(|_| path.starts_with('@')).map_or(path, |(_, p)| p);
        Some((path.trim().to_owned(), inner[end + 1..].trim().to_owned()))
    } else {
        // Some clients omit the brackets.
        let mut parts = rest.splitn(2, ' ');
        let path = parts.next()?.trim();
        if path.is_empty() {
            return None;
        }
        Some((path.to_owned(), parts.next().unwrap_or("").trim().to_owned()))
    }
}

/// Reads one line including its `\n`, never holding more than `max` bytes: a longer line is
/// consumed to its end and reported as [`Line::TooLong`].
async fn read_line<R: AsyncRead + Unpin>(reader: &mut BufReader<R>, max: usize) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut overflow = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(if line.is_empty() && !overflow {
                Line::Eof
            } else if overflow {
                Line::TooLong
            } else {
                Line::Text(line)
            });
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let used = chunk.len();
        if !overflow {
            if line.len() + chunk.len() > max {
                overflow = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        reader.consume(used);
        if done {
            return Ok(if overflow { Line::TooLong } else { Line::Text(line) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use tokio::io::{AsyncReadExt, duplex};

    #[derive(Default)]
    struct Memory {
        stored: Mutex<Vec<(Envelope, Vec<u8>)>>,
    }

    impl Intake for Memory {
        async fn check_recipient(&self, address: &str) -> RcptVerdict {
            match address {
                "down@inbound.test" => RcptVerdict::TryLater,
                a if a.ends_with("@inbound.test") => RcptVerdict::Accept,
                _ => RcptVerdict::Unknown,
            }
        }

        async fn deliver(&self, envelope: &Envelope, message: Vec<u8>) -> Vec<Delivery> {
            let results = envelope.recipients.iter().map(|_| Delivery::Stored("q1".into())).collect();
            self.stored.lock().unwrap().push((envelope.clone(), message));
            results
        }
    }

    async fn converse(config: ServerConfig, input: &str) -> (String, Vec<(Envelope, Vec<u8>)>) {
        let intake = Memory::default();
        let (mut client, server) = duplex(1 << 20);
        client.write_all(input.as_bytes()).await.unwrap();
        client.shutdown().await.unwrap();
        let peer: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        session(server, peer, &config, &intake).await.unwrap();
        let mut output = String::new();
        client.read_to_string(&mut output).await.unwrap();
        let stored = std::mem::take(&mut *intake.stored.lock().unwrap());
        (output, stored)
    }

    fn codes(output: &str) -> Vec<&str> {
        output.lines().filter(|l| l.as_bytes().get(3) == Some(&b' ')).map(|l| &l[..3]).collect()
    }

    #[tokio::test]
    async fn a_pipelined_transaction() {
        let input = "EHLO client.test\r\nMAIL FROM:<Ann@Example.com> SIZE=100 BODY=8BITMIME\r\nRCPT TO:<acme@inbound.test>\r\nRCPT TO:<nobody@else.test>\r\nDATA\r\nSubject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\nQUIT\r\n";
        let (output, stored) = converse(ServerConfig::new("mx.test"), input).await;
        assert_eq!(codes(&output), ["220", "250", "250", "250", "550", "354", "250", "221"], "{output}");
        assert!(output.contains("250-PIPELINING") && output.contains("250-SIZE 26214400"));
        assert_eq!(stored.len(), 1);
        let (envelope, message) = &stored[0];
        assert_eq!(envelope.mail_from, "ann@example.com");
        assert_eq!(envelope.recipients, ["acme@inbound.test"]);
        let text = String::from_utf8_lossy(message);
        assert!(text.starts_with("Received: from client.test ([127.0.0.1])"));
        assert!(text.ends_with("Subject: hi\r\n\r\n.leading dot\r\nbody\r\n"), "{text}");
    }

    #[tokio::test]
    async fn sequence_errors_and_limits() {
        let mut config = ServerConfig::new("mx.test");
        config.max_message_bytes = 64;
        let input = "MAIL FROM:<a@b.test>\r\nEHLO c\r\nRCPT TO:<acme@inbound.test>\r\nMAIL FROM:<a@b.test> SIZE=1000\r\nMAIL FROM:<>\r\nDATA\r\nRCPT TO:<down@inbound.test>\r\nRCPT TO:<acme@inbound.test>\r\nDATA\r\nSubject: this message is much longer than sixty-four bytes in total\r\n.\r\nFOO\r\nQUIT\r\n";
        let (output, stored) = converse(config, input).await;
        assert_eq!(
            codes(&output),
            ["220", "503", "250", "503", "552", "250", "554", "451", "250", "354", "552", "500", "221"],
            "{output}"
        );
        assert!(stored.is_empty());
    }

    #[tokio::test]
    async fn null_sender_and_rset() {
        let input = "HELO c\r\nMAIL FROM:<>\r\nRSET\r\nRCPT TO:<acme@inbound.test>\r\nMAIL FROM:<>\r\nRCPT TO:<acme@inbound.test>\r\nDATA\r\nx\r\n.\r\n";
        let (output, stored) = converse(ServerConfig::new("mx.test"), input).await;
        assert_eq!(
            codes(&output),
            ["220", "250", "250", "250", "503", "250", "250", "354", "250"],
            "{output}"
        );
        assert_eq!(stored[0].0.mail_from, "");
    }

    #[tokio::test]
    async fn lmtp_replies_per_recipient() {
        let mut config = ServerConfig::new("mx.test");
        config.lmtp = true;
        let input = "EHLO c\r\nLHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<acme@inbound.test>\r\nRCPT TO:<globex@inbound.test>\r\nDATA\r\nx\r\n.\r\n";
        let (output, _) = converse(config, input).await;
        assert_eq!(
            codes(&output),
            ["220", "500", "250", "250", "250", "250", "354", "250", "250"],
            "{output}"
        );
    }

    #[tokio::test]
    async fn long_lines_and_garbage_never_crash() {
        let long = "A".repeat(MAX_COMMAND_LINE + 10);
        let input = format!("{long}\r\n\u{0}\u{1}\u{ff}\r\nEHLO\r\nQUIT\r\n");
        let (output, _) = converse(ServerConfig::new("mx.test"), &input).await;
        assert_eq!(codes(&output), ["220", "500", "500", "501", "221"], "{output}");
    }

    #[tokio::test]
    async fn too_many_errors_closes() {
        let input = "X\r\n".repeat(20);
        let (output, _) = converse(ServerConfig::new("mx.test"), &input).await;
        assert!(output.trim_end().ends_with("421 4.7.0 too many errors, closing connection"));
    }

    #[tokio::test]
    async fn guessing_recipients_ends_the_session() {
        let input = "EHLO c\r\nMAIL FROM:<a@b.test>\r\n".to_owned()
            + &(0..12).map(|i| format!("RCPT TO:<guess{i}@else.test>\r\n")).collect::<String>();
        let (output, _) = converse(ServerConfig::new("mx.test"), &input).await;
        let refusals = output.lines().filter(|l| l.starts_with("550")).count();
        assert_eq!(refusals, 10, "{output}");
        assert!(output.trim_end().ends_with("421 4.7.0 too many errors, closing connection"), "{output}");
    }

    #[tokio::test]
    async fn messages_share_one_memory_budget() {
        let mut config = ServerConfig::new("mx.test");
        // 64 KiB for everyone: one step of the budget.
        config.memory = Arc::new(Semaphore::new(64));
        let body = "x".repeat(1000);
        let big: String = (0..100).map(|_| format!("{body}\r\n")).collect();
        let input = format!(
            "EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<acme@inbound.test>\r\nDATA\r\n{big}.\r\n\
             MAIL FROM:<a@b.test>\r\nRCPT TO:<acme@inbound.test>\r\nDATA\r\nsmall\r\n.\r\nQUIT\r\n"
        );
        let (output, stored) = converse(config.clone(), &input).await;
        assert_eq!(
            codes(&output),
            ["220", "250", "250", "250", "354", "452", "250", "250", "354", "250", "221"],
            "{output}"
        );
        assert_eq!(stored.len(), 1, "the small one, after the big one gave its share back");
        assert_eq!(config.memory.available_permits(), 64, "all of the budget is free again");
    }

    #[tokio::test]
    async fn one_address_holds_a_bounded_number_of_sessions() {
        let mut config = ServerConfig::new("mx.test");
        config.max_sessions_per_ip = 2;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (_stop_tx, stop) = watch::channel(false);
        tokio::spawn(serve(listener, Arc::new(config), Arc::new(Memory::default()), stop));
        let mut held = Vec::new();
        let mut greetings = Vec::new();
        for _ in 0..3 {
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let mut line = [0u8; 64];
            let n = stream.read(&mut line).await.unwrap();
            greetings.push(String::from_utf8_lossy(&line[..n])[..3].to_owned());
            held.push(stream);
        }
        assert_eq!(greetings, ["220", "220", "421"]);
        drop(held.remove(0));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut again = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut line = [0u8; 64];
        let n = again.read(&mut line).await.unwrap();
        assert!(line[..n].starts_with(b"220"), "a slot came back when a session ended");
    }

    #[test]
    fn path_arguments() {
        assert_eq!(path_argument("FROM:<a@b> SIZE=1", "FROM:"), Some(("a@b".into(), "SIZE=1".into())));
        assert_eq!(path_argument("from: <a@b>", "FROM:"), Some(("a@b".into(), String::new())));
        assert_eq!(path_argument("TO:<@r1,@r2:u@h>", "TO:"), Some(("u@h".into(), String::new())));
        assert_eq!(path_argument("TO:u@h", "TO:"), Some(("u@h".into(), String::new())));
        assert_eq!(path_argument("TO:<u@h", "TO:"), None);
        assert_eq!(path_argument("FRM:<a@b>", "FROM:"), None);
        assert_eq!(path_argument("FRé:<a@b>", "FROM:"), None);
    }
}
