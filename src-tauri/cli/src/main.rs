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
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let json = cli.json;
    match run::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.print(json);
            ExitCode::from(failure.exit)
        }
    }
}
