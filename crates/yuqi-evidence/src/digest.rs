//! Content hashes. Every blob is named by its SHA-256 and carries its SM3 as well, because
//! Chinese electronic-evidence practice (SF/T 0076-2020) names SM3.

use sha2::{Digest as _, Sha256};
use sm3::Sm3;

/// SHA-256 and SM3 of the same bytes, as lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Digests {
    pub sha256: String,
    pub sm3: String,
}

impl Digests {
    pub fn of(bytes: &[u8]) -> Digests {
        let mut h = Hasher::new();
        h.update(bytes);
        h.finish()
    }
}

/// Incremental SHA-256 + SM3, for content that arrives in chunks.
#[derive(Clone, Default)]
pub struct Hasher {
    sha256: Sha256,
    sm3: Sm3,
    len: u64,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("len", &self.len).finish_non_exhaustive()
    }
}

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.sha256.update(bytes);
        self.sm3.update(bytes);
        self.len += bytes.len() as u64;
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn finish(self) -> Digests {
        Digests { sha256: hex::encode(self.sha256.finalize()), sm3: hex::encode(self.sm3.finalize()) }
    }
}

/// SHA-256 alone, as hex (chain hashes, package checksums).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        let d = Digests::of(b"abc");
        assert_eq!(d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        // GB/T 32905-2016 appendix A example 1.
        assert_eq!(d.sm3, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }

    #[test]
    fn chunked_equals_whole() {
        let mut h = Hasher::new();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish(), Digests::of(b"abc"));
    }
}
