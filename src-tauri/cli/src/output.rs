//! Human-readable output. JSON output is the protocol types themselves, serialized.

use keyden_core::protocol::{
    AuditEntry, CheckOutcome, Health, HealthCheck, KeyDetail, KeyRecord, KeyStatus, RemoteState,
};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Writes to stdout; a reader that went away (`keyden … | head`) ends the program quietly instead of
/// the panic `println!` would raise.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("keyden: cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// Text from outside (file names, titles, a provider's words, a token's fields) made safe for a
/// terminal: control characters (C0, C1, DEL) and invisible format characters (bidi overrides,
/// zero-width spaces) are shown as escapes instead of acting on the terminal or hiding text.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Unicode's control (Cc) and format (Cf) characters.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2 | 0x180E
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
            | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001
            | 0xE0020..=0xE007F)
}

pub fn instant(t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t).ok().and_then(|d| d.format(&Rfc3339).ok()).unwrap_or_else(|| t.to_string())
}

pub use keyden_core::protocol::relative_time as relative;

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// A short state word: revoked, expired, expiring soon, or active.
pub fn state(k: &KeyRecord, now: i64, soon_days: u32) -> String {
    let word: String = match k.status {
        KeyStatus::Revoked => "revoked".into(),
        KeyStatus::Active if k.is_expired(now) => "expired".into(),
        KeyStatus::Active if k.expires_within(now, soon_days) => {
            format!("expires {}", relative(k.expires_at.unwrap_or(now), now))
        }
        KeyStatus::Active => "active".into(),
    };
    let remote = match k.remote_state {
        Some(RemoteState::Gone) => ", gone remotely",
        _ => "",
    };
    let health = match k.last_check {
        Some(CheckOutcome::Rejected) => ", check failed",
        Some(CheckOutcome::Error) => ", check error",
        _ => "",
    };
    format!("{word}{remote}{health}")
}

pub fn key_table(keys: &[KeyRecord], now: i64, soon_days: u32) -> String {
    if keys.is_empty() {
        return "No keys match. Add one with `keyden keys add --title T --secret-stdin`.\n".into();
    }
    let rows: Vec<[String; 7]> = keys
        .iter()
        .map(|k| {
            [
                k.id.clone(),
                truncate(&k.title, 36),
                k.provider.clone(),
                if k.environment.is_empty() { "-".into() } else { truncate(&k.environment, 12) },
                k.kind.as_str().to_string(),
                k.redacted.clone(),
                state(k, now, soon_days),
            ]
        })
        .collect();
    let header = ["ID", "TITLE", "PROVIDER", "ENV", "TYPE", "REDACTED", "STATE"];
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w - c.chars().count() + 2));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(header.to_vec());
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

pub fn key_detail(d: &KeyDetail, now: i64, soon_days: u32) -> String {
    let k = &d.key;
    let opt =
        |v: Option<i64>| v.map(|t| format!("{} ({})", instant(t), relative(t, now))).unwrap_or_else(|| "-".into());
    let or_dash = |s: &str| {
        if s.is_empty() {
            "-".to_string()
        } else {
            s.to_string()
        }
    };
    let mut out = format!(
        "{title}\n  id           {id}\n  state        {state}\n  type         {kind}\n  provider     {provider}\n  account      {account}\n  environment  {env}\n  owner        {owner}\n  redacted     {redacted}\n  created      {created}\n  expires      {expires}\n  revoked      {revoked}\n  last worked  {verified}\n",
        title = k.title,
        id = k.id,
        state = state(k, now, soon_days),
        kind = k.kind.label(),
        provider = k.provider,
        account = or_dash(&k.account),
        env = or_dash(&k.environment),
        owner = or_dash(&k.owner),
        redacted = k.redacted,
        created = opt(Some(k.created_at)),
        expires = opt(k.expires_at),
        revoked = opt(k.revoked_at),
        verified = opt(k.last_verified_at),
    );
    if let Some(remote_id) = &k.remote_id {
        let state = k.remote_state.map(RemoteState::as_str).unwrap_or("present");
        let secret = if k.has_secret { "secret in the keyring" } else { "secret never seen by Keyden (mirrored)" };
        out.push_str(&format!("  remote       {remote_id} ({state}; {secret}; synced {})\n", opt(k.synced_at)));
    }
    if let Some(url) = &k.probe_url {
        out.push_str(&format!("  probe        GET {url} with {}\n", k.probe_header.as_deref().unwrap_or("-")));
    }
    if !k.notes.is_empty() {
        out.push_str(&format!("  notes        {}\n", k.notes.replace('\n', "\n               ")));
    }
    if !d.checks.is_empty() {
        out.push_str("\nHealth checks\n");
        out.push_str(&check_lines(&d.checks, now));
    }
    out.push_str("\nAudit trail\n");
    out.push_str(&audit_lines(&d.audit, false));
    out
}

pub fn audit_lines(entries: &[AuditEntry], with_key: bool) -> String {
    if entries.is_empty() {
        return "  (nothing recorded)\n".into();
    }
    let mut out = String::new();
    for e in entries {
        let key = if with_key { format!("  {} '{}'", e.key_id, e.key_title) } else { String::new() };
        let detail = if e.detail.is_empty() { String::new() } else { format!("  — {}", e.detail) };
        out.push_str(&format!("  {}  {:<7} via {}{key}{detail}\n", instant(e.at), e.action.as_str(), e.origin));
    }
    out
}

/// Health history, newest first, with when the key last worked and since when it fails.
pub fn check_lines(checks: &[HealthCheck], now: i64) -> String {
    let mut out = String::new();
    match Health::of(checks) {
        Health::Failing { last_ok, since } => out.push_str(&format!(
            "  last worked {} ({}); failing since {} ({})\n",
            instant(last_ok),
            relative(last_ok, now),
            instant(since),
            relative(since, now)
        )),
        Health::Working { last_ok } => {
            out.push_str(&format!("  last worked {} ({})\n", instant(last_ok), relative(last_ok, now)))
        }
        Health::NeverAccepted | Health::NeverChecked => out.push_str("  never accepted in a recorded check\n"),
    }
    for c in checks.iter().take(20) {
        let status = c.http_status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no answer".into());
        out.push_str(&format!(
            "  {}  {:<8} {status:<9} {:>5} ms  {}\n",
            instant(c.at),
            c.outcome.as_str(),
            c.latency_ms,
            c.message
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(super::clean("plain ✓ text"), "plain ✓ text");
        assert_eq!(super::clean("a\u{1b}[2Jb"), "a\\u{001b}[2Jb");
        assert_eq!(super::clean("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(super::clean("zero\u{200b}width\nline"), "zero\\u{200b}width\\nline");
        assert_eq!(super::clean("c1\u{9b}x"), "c1\\u{009b}x");
    }
}
