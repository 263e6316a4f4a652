//! `yuqi batch …`: the batch scan lives in its own binary, `yuqi-batch`, because
//! DataFusion and Ballista take a quarter of an hour to build and add 100 MB;
//! this command finds that binary and runs it with the same arguments, the way
//! `git` and `cargo` run their subcommands.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{Result, bail};

/// Where `yuqi-batch` is: `$YUQI_BATCH_BIN`, next to this executable, or on PATH.
fn locate() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("YUQI_BATCH_BIN") {
        return Some(PathBuf::from(p));
    }
    let name = format!("yuqi-batch{}", std::env::consts::EXE_SUFFIX);
    let sibling = std::env::current_exe().ok().and_then(|e| e.parent().map(|d| d.join(&name)));
    if let Some(s) = sibling.filter(|s| s.is_file()) {
        return Some(s);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).map(|d| d.join(&name)).find(|p| p.is_file())
}

pub(crate) fn run(args: &[OsString]) -> Result<ExitCode> {
    let Some(bin) = locate() else {
        bail!(
            "批量审查组件 yuqi-batch 尚未构建。它依赖 DataFusion/Ballista，首次构建约需 15–20 分钟：\n  \
             cargo build --release -p yuqi-batch\n然后再运行 yuqi batch …（或直接运行 target/release/yuqi-batch …）。详见 docs/batch.md"
        );
    };
    let status = match Command::new(&bin).args(args).status() {
        Ok(s) => s,
        Err(e) => bail!("无法运行 {}：{e}", bin.display()),
    };
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(1)),
        None => ExitCode::from(1),
    })
}
