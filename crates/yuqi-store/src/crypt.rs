//! Encryption at rest (optional). A random 256-bit data key encrypts every blob, chunk and
//! metadata field with XChaCha20-Poly1305 (random 192-bit nonce per value, so nonce reuse is not a
//! concern; associated data names the row, so a value moved elsewhere does not open). The data key itself is stored wrapped by age with the user's passphrase (scrypt), so
//! the passphrase never touches the data and can be checked on open.
//!
//! Hashes are always of the plaintext: an encrypted store and its exported package name the same
//! evidence by the same hashes.

use std::io::{Read, Write};

use age::secrecy::SecretString;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

#[derive(Debug, thiserror::Error)]
pub enum CryptError {
    #[error("口令不正确，或密钥数据已损坏")]
    WrongPassphrase,
    #[error("证据库已加密：请提供口令（--passphrase-file 或环境变量 YUQI_PASSPHRASE）")]
    PassphraseNeeded,
    #[error("数据解密失败：内容被改动或损坏")]
    Corrupt,
    /// Stored text that is not UTF-8: with or without encryption, the data was changed or damaged
    /// (an unencrypted store never "fails to decrypt").
    #[error("记录的内容不是有效的文字（UTF-8），数据被改动或损坏")]
    NotText,
    #[error("加密失败：{0}")]
    Other(String),
}

pub(crate) struct Cipher {
    aead: XChaCha20Poly1305,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(..)")
    }
}

impl Cipher {
    /// A new random data key and its age-wrapped form (base64) for the `meta` table.
    pub(crate) fn create(passphrase: &str) -> Result<(Cipher, String), CryptError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| CryptError::Other(e.to_string()))?;
        let enc = age::Encryptor::with_user_passphrase(SecretString::from(passphrase.to_string()));
        let mut wrapped = Vec::new();
        let mut w = enc.wrap_output(&mut wrapped).map_err(|e| CryptError::Other(e.to_string()))?;
        w.write_all(&key).map_err(|e| CryptError::Other(e.to_string()))?;
        w.finish().map_err(|e| CryptError::Other(e.to_string()))?;
        let cipher = Cipher { aead: XChaCha20Poly1305::new((&key).into()) };
        Ok((cipher, base64::engine::general_purpose::STANDARD.encode(wrapped)))
    }

    pub(crate) fn open(passphrase: &str, wrapped_b64: &str) -> Result<Cipher, CryptError> {
        let wrapped =
            base64::engine::general_purpose::STANDARD.decode(wrapped_b64).map_err(|_| CryptError::WrongPassphrase)?;
        let dec = age::Decryptor::new_buffered(wrapped.as_slice()).map_err(|_| CryptError::WrongPassphrase)?;
        let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
        let mut r =
            dec.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|_| CryptError::WrongPassphrase)?;
        let mut key = Vec::new();
        r.read_to_end(&mut key).map_err(|_| CryptError::WrongPassphrase)?;
        let key: [u8; 32] = key.try_into().map_err(|_| CryptError::WrongPassphrase)?;
        Ok(Cipher { aead: XChaCha20Poly1305::new((&key).into()) })
    }

    pub(crate) fn seal(&self, plain: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptError> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|e| CryptError::Other(e.to_string()))?;
        let ct = self
            .aead
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
            .map_err(|e| CryptError::Other(e.to_string()))?;
        let mut out = Vec::with_capacity(24 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub(crate) fn open_value(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptError> {
        if sealed.len() < 24 {
            return Err(CryptError::Corrupt);
        }
        let (nonce, ct) = sealed.split_at(24);
        self.aead.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad }).map_err(|_| CryptError::Corrupt)
    }
}

/// Seals when a cipher is set, passes through otherwise. `aad` names the place the value
/// belongs to (a chunk's file and index, a blob's hash, an entry's key): a sealed value moved to
/// another row does not open.
pub(crate) fn seal(c: Option<&Cipher>, plain: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptError> {
    match c {
        Some(c) => c.seal(plain, aad),
        None => Ok(plain.to_vec()),
    }
}

pub(crate) fn unseal(c: Option<&Cipher>, stored: Vec<u8>, aad: &[u8]) -> Result<Vec<u8>, CryptError> {
    match c {
        Some(c) => c.open_value(&stored, aad),
        None => Ok(stored),
    }
}

pub(crate) fn chunk_aad(src: i64, idx: i64) -> Vec<u8> {
    format!("chunk|{src}|{idx}").into_bytes()
}

pub(crate) fn blob_aad(sha256: &str) -> Vec<u8> {
    format!("blob|{sha256}").into_bytes()
}

pub(crate) fn meta_aad(item_key: &str) -> Vec<u8> {
    format!("meta|{item_key}").into_bytes()
}
