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
#[command(defer = true)]
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
    /// Run a command with the keyden:// references of .env files (and --env) filled in, for it alone.
    ///
    /// Reads ./.env when no --env-file is given and it exists; later files override earlier ones,
    /// --env overrides files, and a parent variable whose value is keyden://KEY is filled in too.
    /// Every reference is checked before the command starts. The values are masked in its output
    /// (<concealed:VAR>) unless --no-masking. Exit code: the command's (128+N for signal N).
    Run(RunArgs),
    /// Fill {{ keyden://KEY }} placeholders of a template: to stdout, or to a new file (mode 0600).
    /// Nothing is written unless every placeholder can be filled.
    Inject {
        /// The template (default: standard input).
        #[arg(short = 'i', long = "in", value_name = "TEMPLATE")]
        input: Option<PathBuf>,
        /// Write here instead of stdout; refused if it exists, unless --force.
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// .env files: move their secrets into the vault.
    #[command(subcommand)]
    Env(EnvCommand),
    /// Find copies of vault secrets (and keys of known shapes) in files, before they are committed.
    ///
    /// Walks PATHs (default: .) honouring .gitignore, skipping binaries; or, with --staged, reads what
    /// `git commit` would record. No secret is read from the keyring: copies are recognised by keyed
    /// fingerprint. Exit 1 when a vault secret is found.
    Scan {
        paths: Vec<PathBuf>,
        /// Scan the staged content of the git repository around the current directory.
        #[arg(long, conflicts_with = "paths")]
        staged: bool,
        /// Install a git pre-commit hook that runs `keyden scan --staged`.
        #[arg(long, conflicts_with_all = ["paths", "staged"])]
        install_hook: bool,
        /// With --install-hook: replace a pre-commit hook Keyden did not write.
        #[arg(long, requires = "install_hook")]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions { shell: clap_complete::Shell },
    /// Internal: writes the man page and completion scripts the installers ship.
    #[command(name = "__package-files", hide = true)]
    PackageFiles { dir: PathBuf },
    /// Decode, verify and explain a JWT, or recognise an opaque key (exit 0 valid/unverified, 1 otherwise).
    Inspect(Box<InspectArgs>),
    /// Mint a test token signed with a vault secret (printed, never stored).
    #[command(subcommand)]
    Mint(MintCommand),
    /// Provider accounts (Medusa, Shop Minis): add, list, remove.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Share a key with the team through an OpenBao account (create only: never over an existing entry).
    Share {
        key: String,
        #[arg(long)]
        account: String,
    },
    /// Mirror a provider account's keys into the local database (all Medusa accounts when none is named).
    Sync { account: Option<String> },
    /// Ask the key's provider whether it still accepts the key; recorded in its history (exit 1 unless accepted).
    Check { key: String },
    /// Shop Minis tools.
    #[command(subcommand)]
    Minis(MinisCommand),
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

#[derive(Args, Debug)]
pub struct RunArgs {
    /// A .env file whose keyden:// references are filled in (repeatable; later files win).
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// VAR=KEY: put KEY's value into the child's environment as VAR (repeatable; wins over files).
    #[arg(long = "env", value_name = "VAR=KEY")]
    pub env: Vec<String>,
    /// Hand the child the terminal directly (interactive programs); its output is not masked.
    #[arg(long)]
    pub no_masking: bool,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum EnvCommand {
    /// Store a .env's secrets in the vault and rewrite it with keyden:// references.
    ///
    /// Secrets are recognised by shape (sk_live_…, ghp_…) or by name (*_KEY, *_SECRET, *_TOKEN,
    /// *PASSWORD*) with a real value. A value the vault already holds is referred to, never stored
    /// twice. The file is replaced atomically once every secret is in the keyring; every other byte is
    /// kept. Exit 1 when a secret had to stay in the file.
    Import {
        file: PathBuf,
        /// File the new keys under this provider instead of the one their shape suggests.
        #[arg(long)]
        provider: Option<String>,
        /// The new keys' environment (prod, staging, …).
        #[arg(long = "env", default_value = "")]
        environment: String,
        /// Say what would happen; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
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
    /// Delete a revoked key: its metadata and its keyring entry (and the remote key, when linked).
    Delete {
        key: String,
        /// Confirm: delete cannot be undone.
        #[arg(long)]
        yes: bool,
    },
    /// Create a key at a provider account; its secret goes straight into the keyring and is shown once.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        title: String,
        #[arg(long = "type", value_enum, default_value_t = RemoteKindArg::Secret)]
        kind: RemoteKindArg,
    },
    /// Replace a linked key: create the new one, check it works, revoke the old one. For a key shared
    /// with the team: write its new value (from stdin) as the next version.
    Rotate {
        key: String,
        /// Consent to revoking first where only one active secret key is allowed.
        #[arg(long)]
        yes: bool,
        /// A shared key's new value, from stdin (written with check-and-set: a stale one is a conflict).
        #[arg(long, conflicts_with = "yes")]
        secret_stdin: bool,
    },
    /// A shared key's versions at the team vault.
    History { key: String },
    /// Set (or clear) a generic key's health probe: a URL and a header with {key} where the value goes.
    Probe {
        key: String,
        #[arg(long, required_unless_present = "clear")]
        url: Option<String>,
        /// e.g. 'Authorization: Bearer {key}'
        #[arg(long, default_value = "Authorization: Bearer {key}")]
        header: String,
        #[arg(long, conflicts_with = "url")]
        clear: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RemoteKindArg {
    Secret,
    Publishable,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum AccountsCommand {
    /// Add a provider account; its credentials are tried now (unless --no-verify) and kept in the keyring.
    #[command(subcommand)]
    Add(AddAccount),
    List,
    /// Remove an account and its keyring entries (its keys stay in the vault).
    Remove {
        name: String,
    },
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum AddAccount {
    /// A Medusa v2 admin: email + password (--password-stdin), or a secret key (--secret-key-stdin).
    Medusa {
        #[arg(long)]
        name: String,
        /// The Medusa server, e.g. http://localhost:9000
        #[arg(long)]
        url: String,
        #[arg(long, requires = "password_stdin")]
        email: Option<String>,
        #[arg(long, requires = "email", conflicts_with = "secret_key_stdin")]
        password_stdin: bool,
        /// Authenticate with a secret key (sk_…) read from stdin instead of a login.
        #[arg(long)]
        secret_key_stdin: bool,
        /// Save without trying the credentials.
        #[arg(long)]
        no_verify: bool,
    },
    /// An OpenBao (or HashiCorp Vault) team vault: the team's keys in KV v2 at MOUNT/PREFIX/<key id>.
    /// Sign in with a token, userpass or AppRole; the credential is kept in the keyring.
    Openbao {
        #[arg(long)]
        name: String,
        /// One URL, or the nodes of a cluster comma-separated: the next is used when one is down.
        #[arg(long)]
        url: String,
        #[arg(long, default_value = "secret")]
        mount: String,
        #[arg(long, default_value = "keyden")]
        prefix: String,
        #[arg(long, conflicts_with_all = ["userpass", "approle"])]
        token_stdin: bool,
        /// A userpass username; the password comes from stdin (--password-stdin).
        #[arg(long, requires = "password_stdin", conflicts_with = "approle")]
        userpass: Option<String>,
        #[arg(long, requires = "userpass")]
        password_stdin: bool,
        /// An AppRole role id; the secret id comes from stdin (--secret-id-stdin).
        #[arg(long, requires = "secret_id_stdin")]
        approle: Option<String>,
        #[arg(long, requires = "approle")]
        secret_id_stdin: bool,
        #[arg(long)]
        no_verify: bool,
    },
    /// A Shop Minis Admin API key.
    ShopMinis {
        #[arg(long)]
        name: String,
        /// The API key (prefer --api-key-stdin: arguments show up in `ps`).
        #[arg(long, conflicts_with = "api_key_stdin", required_unless_present = "api_key_stdin")]
        api_key: Option<String>,
        #[arg(long)]
        api_key_stdin: bool,
        /// Default: https://server.shop.app
        #[arg(long, default_value = "")]
        url: String,
        #[arg(long)]
        no_verify: bool,
    },
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum MinisCommand {
    /// Verify a user token with userTokenVerify: the token's clock and the API key's standing, side by side.
    Verify {
        #[arg(long)]
        account: String,
        /// The user token, or - to read it from stdin.
        token: String,
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

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("key").args(["secret", "secret_file", "secret_from", "key_file", "jwks", "shopify_secret"])))]
pub struct InspectArgs {
    /// The token, or - to read it from stdin.
    pub token: String,
    /// Judge the token at this instant (Unix seconds) instead of now.
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub at: Option<i64>,
    /// Seconds of clock skew forgiven on exp and nbf (Shopify's libraries allow 10).
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub leeway: i64,
    /// An HMAC secret (prefer --secret-file or --secret-from: arguments show up in `ps`).
    #[arg(long, value_name = "S")]
    pub secret: Option<String>,
    /// An HMAC secret read as raw bytes from a file (one trailing newline trimmed).
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// An HMAC secret from the vault, by id or title (revoked keys too).
    #[arg(long, value_name = "KEY")]
    pub secret_from: Option<String>,
    /// A PEM public key (RSA, EC P-256/P-384, Ed25519).
    #[arg(long, value_name = "PEM")]
    pub key_file: Option<PathBuf>,
    /// A JWK or JWKS file, or a JWKS URL (fetched once, then cached for offline use).
    #[arg(long, value_name = "FILE|URL")]
    pub jwks: Option<String>,
    /// With a JWKS URL: fetch it again even if a cached copy is fresh.
    #[arg(long, requires = "jwks")]
    pub refresh: bool,
    /// The audience the token must be for.
    #[arg(long, value_name = "A")]
    pub aud: Option<String>,
    /// The issuer the token must come from.
    #[arg(long, value_name = "I")]
    pub iss: Option<String>,
    /// Shopify profile: the app's client id (aud), with iss = dest + "/admin".
    #[arg(long, value_name = "ID")]
    pub shopify_api_key: Option<String>,
    /// Shopify profile: the app's client secret.
    #[arg(long, value_name = "S", requires = "shopify_api_key")]
    pub shopify_secret: Option<String>,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum MintCommand {
    /// A Shopify session token, as App Bridge's idToken() would give one.
    Shopify {
        /// The app's client secret, from the vault.
        #[arg(long, value_name = "KEY")]
        secret_from: String,
        /// The app's client id (aud).
        #[arg(long, value_name = "ID")]
        api_key: String,
        /// e.g. my-shop.myshopify.com
        #[arg(long)]
        shop: String,
        /// The user id (sub).
        #[arg(long, default_value = "1")]
        user: String,
        /// Seconds until exp (Shopify's are 60).
        #[arg(long, default_value_t = 60)]
        lifetime: i64,
    },
    /// Any claims (a JSON object), signed with HS256.
    Hs256 {
        #[arg(long, value_name = "KEY")]
        secret_from: String,
        #[arg(long, value_name = "JSON")]
        claims: String,
    },
}
