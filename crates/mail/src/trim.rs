//! Trimming a reply for display: the quoted history and the signature go, the new text stays. The
//! original is always kept next to the trimmed text, so a wrong cut loses nothing.

/// The line our outbound mail starts with; everything below it in a reply is history.
pub const REPLY_ABOVE_MARKER: &str = "##- Please type your reply above this line -##";

/// Returns the new part of a plain-text reply. Falls back to the whole text when trimming would
/// leave nothing (a message that is only a forward, say).
pub fn trim_reply(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if starts_history(&lines, i, line) {
            end = i;
            break;
        }
    }
    let mut kept = &lines[..end];
    // A trailing block of `>` quotes (bottom-posting without an attribution line).
    while let Some(last) = kept.last() {
        let t = last.trim();
        if t.is_empty() || t.starts_with('>') {
            kept = &kept[..kept.len() - 1];
        } else {
            break;
        }
    }
    // The signature: everything after the standard "-- " delimiter or a mobile sign-off.
    if let Some(pos) = kept.iter().rposition(|l| {
        let t = l.trim_end();
        t == "--" || t == "-- " || t.starts_with("Sent from my ") || t.starts_with("Get Outlook for ")
    }) {
        kept = &kept[..pos];
    }
    let trimmed = kept.join("\n").trim().to_owned();
    if trimmed.is_empty() { text.trim().to_owned() } else { trimmed }
}

fn starts_history(lines: &[&str], i: usize, line: &str) -> bool {
    let t = line.trim();
    if t.contains(REPLY_ABOVE_MARKER) {
        return true;
    }
    // Outlook: "-----Original Message-----", and the long underscore rule before "From:".
    if t.eq_ignore_ascii_case("-----Original Message-----")
        || (t.len() >= 20 && t.chars().all(|c| c == '_') && next_starts_with(lines, i, "From:"))
    {
        return true;
    }
    // Outlook without a rule: "From: …" followed by "Sent: …" or "Date: …".
    if t.starts_with("From:") && (next_starts_with(lines, i, "Sent:") || next_starts_with(lines, i, "Date:"))
    {
        return true;
    }
    // Gmail, Apple Mail, Thunderbird: "On <date>, <name> wrote:", possibly wrapped over two lines.
    let attribution = |s: &str| {
        let s = s.trim();
        (s.starts_with("On ") || s.starts_with("Le ") || s.starts_with("Am "))
            && s.ends_with(':')
            && (s.contains("wrote") || s.contains("a écrit") || s.contains("schrieb"))
    };
    if attribution(t) {
        return true;
    }
    if t.starts_with("On ")
        && !t.ends_with(':')
        && let Some(next) = lines.get(i + 1)
        && attribution(&format!("{t} {}", next.trim()))
    {
        return true;
    }
    false
}

fn next_starts_with(lines: &[&str], i: usize, prefix: &str) -> bool {
    lines.iter().skip(i + 1).find(|l| !l.trim().is_empty()).is_some_and(|l| l.trim().starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_reply() {
        let text = "Thanks, that fixed it!\n\nOn Mon, 3 Nov 2026 at 10:02, Acme IT <acme@inbound.localhost> wrote:\n> We reset your password.\n> Regards";
        assert_eq!(trim_reply(text), "Thanks, that fixed it!");
    }

    #[test]
    fn gmail_attribution_wrapped_over_two_lines() {
        let text =
            "Still broken.\n\nOn Mon, 3 Nov 2026 at 10:02, Acme IT\n<acme@inbound.localhost> wrote:\n> old";
        assert_eq!(trim_reply(text), "Still broken.");
    }

    #[test]
    fn outlook_reply() {
        let text = "It works now.\r\n\r\nBest,\r\nBob\r\n________________________________\r\nFrom: Acme IT <acme@inbound.localhost>\r\nSent: Monday, November 3, 2026 10:02 AM\r\nTo: Bob\r\nSubject: RE: [INC-7] printer\r\n\r\nWe reset it.";
        assert_eq!(trim_reply(text), "It works now.\n\nBest,\nBob");
    }

    #[test]
    fn outlook_original_message() {
        let text = "Yes please.\n\n-----Original Message-----\nFrom: IT\nSent: today\n\nhistory";
        assert_eq!(trim_reply(text), "Yes please.");
    }

    #[test]
    fn our_marker_and_signature() {
        let text = "New info: it is the 3rd floor printer.\n\n-- \nAnn Smith\nFinance\n\n##- Please type your reply above this line -##\nold";
        assert_eq!(trim_reply(text), "New info: it is the 3rd floor printer.");
    }

    #[test]
    fn mobile_signature_and_bottom_quotes() {
        assert_eq!(trim_reply("Ok\n\nSent from my iPhone"), "Ok");
        assert_eq!(trim_reply("Done.\n> quoted\n> more\n"), "Done.");
    }

    #[test]
    fn keeps_everything_when_only_history() {
        let text = "-----Original Message-----\nFrom: x\nSent: y\nbody";
        assert_eq!(trim_reply(text), text);
    }

    #[test]
    fn inline_quotes_stay_when_answered_between() {
        let text = "> Which floor?\nThird.\n> Which model?\nHP 4200.";
        assert_eq!(trim_reply(text), text);
    }
}
