//! Shell integration: completion scripts and the man page, generated from the same clap definition
//! as the parser, so they can never disagree with it.

use crate::args::Cli;
use crate::failure::Failure;
use clap::CommandFactory;
use clap_complete::Shell;
use std::path::Path;

pub fn completions(shell: Shell) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut Cli::command(), "keyden", &mut out);
    Ok(())
}

/// The files the .deb and .rpm install: `keyden.1` and a page per command, and completions for bash,
/// zsh and fish.
pub fn package_files(dir: &Path) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::failed("io", format!("cannot write {}: {e}", dir.display()), None);
    std::fs::create_dir_all(dir).map_err(fail)?;
    let cli = Cli::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(cli.clone()).render(&mut page).map_err(fail)?;
    std::fs::write(dir.join("keyden.1"), page).map_err(fail)?;
    // One page per command as well (`man keyden-run`), as git does.
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("keyden-{}", sub.get_name());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub.clone().name(name.clone())).render(&mut page).map_err(fail)?;
        std::fs::write(dir.join(format!("{name}.1")), page).map_err(fail)?;
    }
    for (shell, name) in [(Shell::Bash, "keyden.bash"), (Shell::Zsh, "_keyden"), (Shell::Fish, "keyden.fish")] {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "keyden", &mut script);
        std::fs::write(dir.join(name), script).map_err(fail)?;
    }
    Ok(())
}
