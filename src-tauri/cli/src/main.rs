//! `keyden`: a clap skin over Keyden's core. It parses, calls one core function, prints. With no
//! subcommand it starts the desktop app (`keyden-app`) found beside it.

mod args;
mod child;
mod clipboard;
mod env;
mod exec;
mod failure;
mod inspect;
mod output;
mod remote;
mod run;
mod scan;
mod shell;
mod team;

use clap::{CommandFactory, FromArgMatches};

fn main() {
    let code = match parse() {
        Ok(cli) => {
            let json = cli.json;
            match run::run(cli) {
                Ok(()) => 0,
                Err(failure) => {
                    failure.print(json);
                    failure.exit
                }
            }
        }
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                2
            } else {
                0
            }
        }
    };
    exit_with(i32::from(code));
}

/// `Cli::try_parse`, without freeing clap's command tree: hundreds of small allocations whose drop was
/// a tenth of a `keyden inspect` process's instructions (callgrind), just before the process ends.
/// Subcommands are `defer`red (args.rs), so the tree holds only the arguments of the one invoked.
fn parse() -> Result<args::Cli, clap::Error> {
    let mut cmd = args::Cli::command();
    let parsed = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut m| args::Cli::from_arg_matches_mut(&mut m))
        .map_err(|e| e.format(&mut cmd));
    std::mem::forget(cmd);
    parsed
}

/// Ends Keyden with `code`: every exit goes through here. A test build (`test-hooks`) first writes the
/// code to `KEYDEN_TEST_EXIT_FILE`: under Wine, wineserver SIGKILLs a process still tearing down a
/// second after it exited (a loaded machine), and the Linux parent then sees the signal, not the code.
pub fn exit_with(code: i32) -> ! {
    #[cfg(feature = "test-hooks")]
    if let Some(path) = std::env::var_os("KEYDEN_TEST_EXIT_FILE") {
        let _ = std::fs::write(path, code.to_string());
    }
    std::process::exit(code)
}
