//! Embeds `migrations/*.sql` as a list for the runtime migrator (`store::db::migrator`). sqlx's
//! `migrate!` macro does the same, but needs sqlx's `macros` feature, which compiles a second copy of
//! sqlx, tokio and their dependencies for the compiler's side of every cold build.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the migrations directory")
        .map(|e| e.expect("a migrations entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        let name = path.file_stem().unwrap().to_str().expect("a UTF-8 migration name");
        // sqlx's naming: `<version>_<description>.sql`, underscores in the description read as spaces.
        let (version, description) = name.split_once('_').expect("a migration named <version>_<description>.sql");
        let version: i64 = version.parse().expect("a migration version number");
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(out, "    ({version}, {:?}, include_str!({:?})),", description.replace('_', " "), path.display())
            .unwrap();
    }
    out.push(']');
    std::fs::write(Path::new(&std::env::var("OUT_DIR").unwrap()).join("migrations.rs"), out).unwrap();
}
