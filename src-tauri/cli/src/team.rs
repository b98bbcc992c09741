//! The team vault's commands: share, a shared key's rotation and history. Same shape as `remote.rs`:
//! one core call each, then output; every text from the server is escaped by the printers.

use crate::failure::Failure;
use crate::output::{emit, emit_json, instant};
use keyden_core::protocol::{KeyRecord, TeamHistory};
use keyden_core::providers::Providers;
use keyden_core::secret::SecretValue;

fn json_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("protocol types serialize")
}

pub async fn share(p: &Providers<'_>, key: &str, account: &str, json: bool) -> Result<(), Failure> {
    let k: KeyRecord = p.share(key, account).await?;
    if json {
        emit_json(&json_of(&k));
    } else {
        let link = k.team.as_ref().expect("a shared key is linked");
        emit(&format!(
            "Shared '{}' ({}) through '{}' as version {}; teammates get it at their next `keyden sync {}`.\n",
            k.title, k.id, link.account, link.version, link.account
        ));
    }
    Ok(())
}

pub async fn rotate(p: &Providers<'_>, key: &str, secret: SecretValue, json: bool) -> Result<(), Failure> {
    let k = p.rotate_shared(key, secret).await?;
    if json {
        emit_json(&json_of(&k));
    } else {
        let link = k.team.as_ref().expect("a shared key is linked");
        emit(&format!(
            "Rotated '{}' ({}): version {} written to '{}', {}.\n",
            k.title, k.id, link.version, link.account, k.redacted
        ));
    }
    Ok(())
}

pub async fn history(p: &Providers<'_>, key: &str, json: bool) -> Result<(), Failure> {
    let h: TeamHistory = p.team_history(key).await?;
    if json {
        emit_json(&json_of(&h));
        return Ok(());
    }
    let mut s = format!("{} in '{}': the server has version {}\n", h.key_id, h.account, h.server_version);
    for v in &h.versions {
        let state = if v.destroyed {
            "destroyed".to_string()
        } else if let Some(t) = v.deleted_at {
            format!("deleted {}", instant(t))
        } else {
            String::new()
        };
        let mine = if v.current { "  ← this machine" } else { "" };
        let at = v.created_at.map(instant).unwrap_or_else(|| "-".into());
        s.push_str(&format!("  v{:<5} {at}  {state}{mine}\n", v.version));
    }
    emit(&s);
    Ok(())
}
