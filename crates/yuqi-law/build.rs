//! Validates the law data at build time and embeds it.
//!
//! A missing citation, an unknown article, overlapping dates or an LPR row out of
//! order fails the build with every problem listed, so bad law data can never ship.

#[path = "src/schema.rs"]
#[allow(dead_code, unreachable_pub)]
mod schema;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let data = manifest.join("data");
    println!("cargo::rerun-if-changed=data");
    println!("cargo::rerun-if-changed=src/schema.rs");

    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
    let mut statute_paths: Vec<PathBuf> = std::fs::read_dir(data.join("statutes"))
        .expect("data/statutes exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    statute_paths.sort();
    let statute_sources: Vec<(String, String)> = statute_paths
        .iter()
        .map(|p| (p.file_name().expect("file name").to_string_lossy().into_owned(), read(p)))
        .collect();
    let borrowed: Vec<(&str, &str)> = statute_sources.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();

    let problems = match schema::parse_all(
        &read(&data.join("parameters.toml")),
        &read(&data.join("lpr.toml")),
        &read(&data.join("rules.toml")),
        &read(&data.join("holidays.toml")),
        &borrowed,
    ) {
        Ok(ds) => {
            let mut problems = schema::validate(&ds);
            match schema::parse_benchmark(&read(&data.join("bank_benchmark.toml"))) {
                Ok(b) => problems.extend(schema::validate_benchmark(&b, &ds)),
                Err(errors) => problems.extend(errors),
            }
            problems
        }
        Err(errors) => errors,
    };
    if !problems.is_empty() {
        let mut msg = String::from("law data check failed (crates/yuqi-law/data):\n");
        for p in &problems {
            let _ = writeln!(msg, "  - {p}");
        }
        panic!("{msg}");
    }

    // Embed every statute file; the list is generated because the folder grows.
    let mut generated = String::from("/// `(file name, contents)` of every file in data/statutes.\n");
    generated.push_str("pub(crate) static STATUTE_FILES: &[(&str, &str)] = &[\n");
    for p in &statute_paths {
        let name = p.file_name().expect("file name").to_string_lossy();
        let _ = writeln!(generated, "    ({name:?}, include_str!({:?})),", p.display().to_string());
    }
    generated.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("statute_files.rs"), generated).expect("write generated file");
}
