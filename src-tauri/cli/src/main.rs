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

use clap::Parser;

fn main() {
    let code = match args::Cli::try_parse() {
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
