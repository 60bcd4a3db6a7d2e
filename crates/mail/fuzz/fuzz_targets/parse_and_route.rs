//! The inbound path without a database: everything the worker derives from untrusted bytes
//! (parsing, classification, threading hints, trimming, sanitising, recipient addresses).
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;

static QUIET_PANICS: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys's panic hook aborts on every panic, even one the code under test catches on
    // purpose (`inbound::parse` catches mail-parser's, tests/fixtures/mail/parser_panic.eml). A
    // silent hook lets those through; a panic that escapes is still caught by libfuzzer-sys
    // around this target, which aborts, so it is still reported as a crash.
    QUIET_PANICS.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    if let Ok(mail) = ferrodesk_mail::inbound::parse(data) {
        let _ = ferrodesk_mail::inbound::normalize_subject(&mail.subject);
        let _ = ferrodesk_mail::trim_reply(&mail.full_text);
        for rcpt in mail.to.iter().chain(mail.cc.iter()) {
            let _ = ferrodesk_mail::InboundAddress::parse(&rcpt.address, "inbound.localhost");
        }
        let _ = mail.class.may_acknowledge();
        // Sanitised on demand (for replies), so asked for here.
        let _ = mail.html();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ferrodesk_mail::normalize_address(text);
        let _ = ferrodesk_mail::InboundAddress::parse(text, "inbound.localhost");
        let _ = ferrodesk_mail::inbound::ticket_tag(text);
        let _ = ferrodesk_mail::trim_reply(text);
    }
});
