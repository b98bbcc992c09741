//! The command line, as DESIGN.md's CLI contract draws it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "keyden",
    version,
    about = "Keyden: API keys in the OS keyring, their metadata offline, their lifecycle under control.",
    long_about = "Keyden keeps every secret value in the OS keyring and its metadata in a local SQLite mirror.\n\
                  With no subcommand it starts the desktop app.",
    after_help = "Exit codes: 0 ok, 1 refused or failed, 2 usage error."
)]
pub struct Cli {
    /// Data directory (default: the OS app-data directory).
    #[arg(long, global = true, env = "KEYDEN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Machine-readable output; errors go to stderr as {"code","message","hint"}.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Add, list, show, edit, revoke and delete keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Print an active key's value to stdout (refused for revoked keys).
    Get { key: String },
    /// Put an active key's value on the clipboard; it is cleared after the configured seconds.
    Copy { key: String },
    /// Run a command with key values in its environment only.
    Exec {
        /// VAR=KEY: put KEY's value into the child's environment as VAR. Repeatable.
        #[arg(long = "env", value_name = "VAR=KEY", required = true)]
        env: Vec<String>,
        /// The command and its arguments, after `--`.
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Show the local audit log (all keys, or one).
    Audit {
        key: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Internal: holds the clipboard for `keyden copy` and clears it on time.
    #[command(name = "__clipboard-hold", hide = true)]
    ClipboardHold {
        #[arg(long)]
        seconds: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Store a new key; the value comes from stdin (or a hidden prompt on a terminal).
    Add(AddArgs),
    /// List keys, with search, filters and sort (offline).
    List(ListArgs),
    /// Show a key's metadata and audit trail.
    Show { key: String },
    /// Change a key's title or notes (nothing else).
    Edit {
        key: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Revoke a key. Revoke is final.
    Revoke {
        key: String,
        /// Confirm: revoke cannot be undone.
        #[arg(long)]
        yes: bool,
    },
    /// Delete a revoked key: its metadata and its keyring entry.
    Delete {
        key: String,
        /// Confirm: delete cannot be undone.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Args, Debug)]
pub struct AddArgs {
    #[arg(long)]
    pub title: String,
    /// medusa, shopify, shop-minis, stripe, github, … (default: generic)
    #[arg(long, default_value = "")]
    pub provider: String,
    #[arg(long, default_value = "")]
    pub account: String,
    #[arg(long = "env", default_value = "")]
    pub environment: String,
    #[arg(long, default_value = "")]
    pub owner: String,
    #[arg(long = "type", value_enum, default_value_t = KindArg::Secret)]
    pub kind: KindArg,
    /// RFC 3339 instant (2027-01-31T00:00:00Z) or a date (2027-01-31, midnight UTC).
    #[arg(long)]
    pub expires: Option<String>,
    #[arg(long, default_value = "")]
    pub notes: String,
    /// Read the value from standard input (one trailing newline is trimmed).
    #[arg(long)]
    pub secret_stdin: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Text in the title, provider, id or redacted prefix (plain text, no wildcards).
    #[arg(long)]
    pub search: Option<String>,
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    #[arg(long)]
    pub provider: Option<String>,
    #[arg(long = "env")]
    pub environment: Option<String>,
    /// Only active keys expiring within DAYS (or already past their expiry).
    #[arg(long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
    #[arg(long, value_enum, default_value_t = SortArg::Created)]
    pub sort: SortArg,
    #[arg(long)]
    pub desc: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum KindArg {
    Secret,
    Publishable,
    Token,
    ClientSecret,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum StatusArg {
    Active,
    Revoked,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum SortArg {
    Title,
    Created,
    Expires,
    Verified,
}
