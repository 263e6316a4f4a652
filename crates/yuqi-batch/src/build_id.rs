//! Which build of the program made a report: its version and the SHA-256 of the running
//! executable, read at run time.
//!
//! The version number does not change with every commit, and a commit id is not known to a
//! build from a source archive or a CI clone without history; the executable's own bytes are
//! there in every case. Two reports with the same digest were made by the same program file;
//! a rebuild from other sources, another compiler or other options gives another digest.

use std::sync::OnceLock;

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BuildInfo {
    pub name: &'static str,
    pub version: &'static str,
    /// SHA-256 of the running executable; `None` when it could not be read (the reason is
    /// in `unreadable`).
    pub executable_sha256: Option<String>,
    pub executable_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

/// This process's build identity. The executable is hashed once per process (it is several
/// hundred megabytes): call this on a blocking thread early, while the scan runs.
pub fn build() -> BuildInfo {
    static BUILD: OnceLock<BuildInfo> = OnceLock::new();
    BUILD.get_or_init(compute).clone()
}

fn compute() -> BuildInfo {
    let mut info = BuildInfo {
        name: "yuqi-batch",
        version: env!("CARGO_PKG_VERSION"),
        executable_sha256: None,
        executable_bytes: 0,
        unreadable: None,
    };
    // /proc/self/exe is the file this process runs even if the path has since been replaced
    // by a new build; elsewhere, the path the process was started from.
    let file = std::fs::File::open("/proc/self/exe").or_else(|_| std::env::current_exe().and_then(std::fs::File::open));
    match file.and_then(crate::provenance::sha256_of) {
        Ok((hex, bytes)) => {
            info.executable_sha256 = Some(hex);
            info.executable_bytes = bytes;
        }
        Err(e) => info.unreadable = Some(crate::io_zh(&e)),
    }
    info
}
