//! Human-readable output. JSON output is the protocol types themselves, serialized.

use keyden_core::protocol::{
    AuditEntry, CheckOutcome, Health, HealthCheck, KeyDetail, KeyRecord, KeyStatus, RemoteState,
};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Writes a human-readable report to stdout. Everything Keyden prints passes here or through
/// [`emit_json`] / [`say`], so no text from outside — a title, a server's message, a token's field —
/// reaches the terminal as anything but visible characters (see `keyden_protocol::text`).
pub fn emit(text: &str) {
    write_out(keyden_protocol::text::escape_block(text).as_bytes());
}

/// JSON on stdout, still valid and still the same data: the hidden characters serde_json leaves raw
/// (DEL, C1, Unicode Cf) are written as JSON `\uXXXX` escapes. They can only occur inside strings.
pub fn emit_json(json: &str) {
    let mut out = json_safe(json);
    out.push('\n');
    write_out(out.as_bytes());
}

pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 1);
    for c in json.chars() {
        if keyden_protocol::text::is_hidden(c) && c != '\n' {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A value the user asked for by name (`get`, a minted token, a secret shown once) exactly as it is:
/// a script capturing it must get its bytes, not an escaped picture of them.
pub fn emit_value(text: &str) {
    write_out(text.as_bytes());
}

/// A line for the person at the terminal, on stderr, escaped as [`emit`] does.
pub fn say(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{}", keyden_protocol::text::escape_block(text));
}

/// A reader that went away (`keyden … | head`) ends the program quietly instead of the panic
/// `println!` would raise.
fn write_out(bytes: &[u8]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            crate::exit_with(0);
        }
        let _ = writeln!(std::io::stderr(), "keyden: cannot write the output: {e}");
        crate::exit_with(1);
    }
}

/// One outside field on one line (line breaks escaped too).
pub use keyden_protocol::text::escape as clean;

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
                truncate(&clean(&k.title), 36),
                clean(&k.provider).into_owned(),
                if k.environment.is_empty() { "-".into() } else { truncate(&clean(&k.environment), 12) },
                k.kind.as_str().to_string(),
                clean(&k.redacted).into_owned(),
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
            clean(s).into_owned()
        }
    };
    let mut out = format!(
        "{title}\n  id           {id}\n  state        {state}\n  type         {kind}\n  provider     {provider}\n  account      {account}\n  environment  {env}\n  owner        {owner}\n  redacted     {redacted}\n  created      {created}\n  expires      {expires}\n  revoked      {revoked}\n  last worked  {verified}\n",
        title = clean(&k.title),
        id = k.id,
        state = state(k, now, soon_days),
        kind = k.kind.label(),
        provider = clean(&k.provider),
        account = or_dash(&k.account),
        env = or_dash(&k.environment),
        owner = or_dash(&k.owner),
        redacted = clean(&k.redacted),
        created = opt(Some(k.created_at)),
        expires = opt(k.expires_at),
        revoked = opt(k.revoked_at),
        verified = opt(k.last_verified_at),
    );
    if let Some(remote_id) = &k.remote_id {
        let state = k.remote_state.map(RemoteState::as_str).unwrap_or("present");
        let secret = if k.has_secret { "secret in the keyring" } else { "secret never seen by Keyden (mirrored)" };
        out.push_str(&format!(
            "  remote       {} ({state}; {secret}; synced {})\n",
            clean(remote_id),
            opt(k.synced_at)
        ));
    }
    if let Some(t) = &k.team {
        let state = if k.remote_state == Some(RemoteState::Gone) { "; no longer on the server" } else { "" };
        out.push_str(&format!(
            "  team         '{}' as {}, version {} (shared by {}; synced {}{state})\n",
            clean(&t.account),
            clean(&t.key),
            t.version,
            or_dash(&t.shared_by),
            opt(k.synced_at)
        ));
    }
    if let Some(url) = &k.probe_url {
        let header = clean(k.probe_header.as_deref().unwrap_or("-"));
        out.push_str(&format!("  probe        GET {} with {header}\n", clean(url)));
    }
    if !k.notes.is_empty() {
        let lines: Vec<_> = k.notes.lines().map(clean).collect();
        out.push_str(&format!("  notes        {}\n", lines.join("\n               ")));
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
        let key = if with_key { format!("  {} '{}'", e.key_id, clean(&e.key_title)) } else { String::new() };
        let detail = if e.detail.is_empty() { String::new() } else { format!("  — {}", clean(&e.detail)) };
        let origin = clean(&e.origin);
        out.push_str(&format!("  {}  {:<7} via {origin}{key}{detail}\n", instant(e.at), e.action.as_str()));
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
            clean(&c.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_stays_valid_and_equal_with_hidden_characters_escaped() {
        let value = serde_json::json!({"title": "evil\u{202e}gpj.exe\u{9b}\u{7f}\u{e0041}\u{1b}"});
        let safe = super::json_safe(&serde_json::to_string_pretty(&value).unwrap());
        assert!(!safe.chars().any(|c| keyden_protocol::text::is_hidden(c) && c != '\n'), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), value);
    }
}
