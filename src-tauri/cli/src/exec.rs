//! `keyden exec`: key values go into the child's environment and nowhere else — not argv, not a file.

use crate::failure::Failure;
use keyden_core::secret::SecretValue;
use std::process::Command;

/// Splits `VAR=KEY`, checking VAR is a portable environment variable name.
pub fn parse_pair(pair: &str) -> Result<(&str, &str), Failure> {
    let bad = || {
        Failure::usage(
            "invalid_input",
            format!("--env {pair:?} is not VAR=KEY"),
            "e.g. --env STRIPE_KEY=\"Stripe prod\"",
        )
    };
    let (var, key) = pair.split_once('=').ok_or_else(bad)?;
    let valid_var = var.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_var || key.trim().is_empty() {
        return Err(bad());
    }
    Ok((var, key))
}

/// Replaces this process with the command on Unix (its exit status is then the command's own);
/// elsewhere runs it — outliving the console's Ctrl+C, which the child handles — and passes its exit
/// code on. The values leave Keyden's memory with the child's environment block.
pub fn run_with(vars: Vec<(String, SecretValue)>, command: &[String]) -> Result<(), Failure> {
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..]);
    for (var, secret) in &vars {
        cmd.env(var, secret.expose());
    }
    let code = crate::child::hand_over(cmd, &command[0])?;
    drop(vars);
    crate::exit_with(i32::from(code));
}
