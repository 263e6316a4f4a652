//! Which build of the program made a report: its version and the build ID the linker wrote
//! into the running executable, read at run time.
//!
//! The version number does not change with every commit, and a commit id is not known to a
//! build from a source archive or a CI clone without history; the executable itself is
//! there in every case. The linker's build ID (the ELF note `NT_GNU_BUILD_ID`, what
//! `readelf -n` and `file` print) is a hash of the linked program: another source, compiler
//! or option gives another ID, and `strip` keeps it. Reading it costs a few kilobytes of I/O,
//! where hashing the whole executable (hundreds of megabytes) cost up to 8 % of the CPU of a
//! million-message scan. An executable without the note (another platform, a linker told not
//! to write it) is identified by the SHA-256 of its bytes instead, as `sha256sum` prints it.

use std::io::{Read, Seek, SeekFrom};
use std::sync::OnceLock;

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BuildInfo {
    pub name: &'static str,
    pub version: &'static str,
    /// The linker's build ID in hex, as `readelf -n` prints it; `None` when the executable has
    /// none or could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_id: Option<String>,
    /// SHA-256 of the running executable, computed only when it has no build ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executable_sha256: Option<String>,
    pub executable_bytes: u64,
    /// Why neither identity could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

/// This process's build identity, read once per process. It may hash the executable (when
/// it has no build ID): call it on a blocking thread.
pub fn build() -> BuildInfo {
    static BUILD: OnceLock<BuildInfo> = OnceLock::new();
    BUILD.get_or_init(compute).clone()
}

fn compute() -> BuildInfo {
    let mut info = BuildInfo {
        name: "yuqi-batch",
        version: env!("CARGO_PKG_VERSION"),
        build_id: None,
        executable_sha256: None,
        executable_bytes: 0,
        unreadable: None,
    };
    // /proc/self/exe is the file this process runs even if the path has since been replaced
    // by a new build; elsewhere, the path the process was started from.
    let file = std::fs::File::open("/proc/self/exe").or_else(|_| std::env::current_exe().and_then(std::fs::File::open));
    match file.and_then(identify) {
        Ok((build_id, sha256, bytes)) => {
            info.build_id = build_id;
            info.executable_sha256 = sha256;
            info.executable_bytes = bytes;
        }
        Err(e) => info.unreadable = Some(crate::io_zh(&e)),
    }
    info
}

/// A program file's identity: its build ID, or, when it has none (not ELF, no note), the
/// SHA-256 of its bytes; and its length.
fn identify(mut file: std::fs::File) -> std::io::Result<(Option<String>, Option<String>, u64)> {
    let bytes = file.metadata()?.len();
    if let Ok(Some(id)) = gnu_build_id(&mut file) {
        return Ok((Some(id), None, bytes));
    }
    file.seek(SeekFrom::Start(0))?;
    let (sha, bytes) = crate::provenance::sha256_of(file)?;
    Ok((None, Some(sha), bytes))
}

/// ELF's note type for the linker's build ID, in notes named "GNU".
const NT_GNU_BUILD_ID: u32 = 3;
const PT_NOTE: u32 = 4;
/// Program headers and notes are a few kilobytes; anything larger is not a sane ELF file.
const MAX_READ: u64 = 1 << 20;

/// The build ID from an ELF file's note segments, in hex; `Ok(None)` when the file is not ELF
/// or has no such note. Reads the program headers, not the section headers, so a stripped
/// file is read the same.
pub fn gnu_build_id(file: &mut (impl Read + Seek)) -> std::io::Result<Option<String>> {
    let mut ident = Vec::with_capacity(64);
    file.seek(SeekFrom::Start(0))?;
    file.by_ref().take(64).read_to_end(&mut ident)?;
    let n = ident.len();
    if n < 52 || &ident[..4] != b"\x7fELF" {
        return Ok(None);
    }
    let elf = Elf { wide: ident[4] == 2, big: ident[5] == 2 };
    if !matches!(ident[4], 1 | 2) || !matches!(ident[5], 1 | 2) || (elf.wide && n < 64) {
        return Ok(None);
    }
    // e_phoff, e_phentsize, e_phnum.
    let (phoff, phentsize, phnum) = if elf.wide {
        (elf.u64(&ident[32..40]), elf.u16(&ident[54..56]), elf.u16(&ident[56..58]))
    } else {
        (u64::from(elf.u32(&ident[28..32])), elf.u16(&ident[42..44]), elf.u16(&ident[44..46]))
    };
    let (phentsize, phnum) = (u64::from(phentsize), u64::from(phnum));
    if phentsize < if elf.wide { 56 } else { 32 } || phentsize * phnum > MAX_READ {
        return Ok(None);
    }
    let headers = read_at(file, phoff, phentsize * phnum)?;
    for h in headers.chunks_exact(phentsize as usize) {
        if elf.u32(&h[0..4]) != PT_NOTE {
            continue;
        }
        let (offset, size, align) = if elf.wide {
            (elf.u64(&h[8..16]), elf.u64(&h[32..40]), elf.u64(&h[48..56]))
        } else {
            (u64::from(elf.u32(&h[4..8])), u64::from(elf.u32(&h[16..20])), u64::from(elf.u32(&h[28..32])))
        };
        if size > MAX_READ {
            continue;
        }
        let notes = read_at(file, offset, size)?;
        if let Some(id) = elf.find_build_id(&notes, if align == 8 { 8 } else { 4 }) {
            return Ok(Some(crate::provenance::hex(id)));
        }
    }
    Ok(None)
}

struct Elf {
    wide: bool,
    big: bool,
}

impl Elf {
    fn u16(&self, b: &[u8]) -> u16 {
        let b = [b[0], b[1]];
        if self.big { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) }
    }
    fn u32(&self, b: &[u8]) -> u32 {
        let b = [b[0], b[1], b[2], b[3]];
        if self.big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) }
    }
    fn u64(&self, b: &[u8]) -> u64 {
        let b = [b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]];
        if self.big { u64::from_be_bytes(b) } else { u64::from_le_bytes(b) }
    }

    /// Walks one note segment: (name size, descriptor size, type), then the name and the
    /// descriptor, each padded to the segment's alignment.
    fn find_build_id<'n>(&self, mut notes: &'n [u8], align: usize) -> Option<&'n [u8]> {
        let pad = |n: usize| n.div_ceil(align) * align;
        while notes.len() >= 12 {
            let namesz = self.u32(&notes[0..4]) as usize;
            let descsz = self.u32(&notes[4..8]) as usize;
            let kind = self.u32(&notes[8..12]);
            let name_end = 12usize.checked_add(pad(namesz))?;
            let desc_end = name_end.checked_add(pad(descsz))?;
            if notes.len() < name_end + descsz {
                return None;
            }
            if kind == NT_GNU_BUILD_ID && notes[12..12 + namesz] == *b"GNU\0" && descsz > 0 {
                return Some(&notes[name_end..name_end + descsz]);
            }
            notes = notes.get(desc_end..)?;
        }
        None
    }
}

fn read_at(file: &mut (impl Read + Seek), offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut buf = Vec::with_capacity(len as usize);
    file.take(len).read_to_end(&mut buf)?;
    if (buf.len() as u64) < len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "ELF header points past the end of the file",
        ));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A minimal 64-bit little-endian ELF image: the header, one PT_NOTE program header and
    /// a note segment with a property note (8-aligned like GNU's) before the build ID.
    fn image(build_id: &[u8], big: bool) -> Vec<u8> {
        let u16b = |v: u16| if big { v.to_be_bytes().to_vec() } else { v.to_le_bytes().to_vec() };
        let u32b = |v: u32| if big { v.to_be_bytes().to_vec() } else { v.to_le_bytes().to_vec() };
        let u64b = |v: u64| if big { v.to_be_bytes().to_vec() } else { v.to_le_bytes().to_vec() };
        let mut notes = Vec::new();
        // NT_GNU_PROPERTY_TYPE_0 (5), name "GNU\0", 16-byte descriptor of zeros.
        notes.extend(u32b(4));
        notes.extend(u32b(16));
        notes.extend(u32b(5));
        notes.extend(b"GNU\0\0\0\0\0");
        notes.extend([0u8; 16]);
        notes.extend(u32b(4));
        notes.extend(u32b(build_id.len() as u32));
        notes.extend(u32b(NT_GNU_BUILD_ID));
        notes.extend(b"GNU\0\0\0\0\0");
        notes.extend(build_id);
        let mut elf = vec![0x7f, b'E', b'L', b'F', 2, if big { 2 } else { 1 }, 1, 0];
        elf.resize(16, 0);
        elf.extend(u16b(2)); // e_type
        elf.extend(u16b(62)); // e_machine
        elf.extend(u32b(1)); // e_version
        elf.extend(u64b(0)); // e_entry
        elf.extend(u64b(64)); // e_phoff
        elf.extend(u64b(0)); // e_shoff
        elf.extend(u32b(0)); // e_flags
        elf.extend(u16b(64)); // e_ehsize
        elf.extend(u16b(56)); // e_phentsize
        elf.extend(u16b(1)); // e_phnum
        elf.extend([0u8; 6]); // shentsize, shnum, shstrndx
        assert_eq!(elf.len(), 64);
        let notes_at = 64 + 56;
        elf.extend(u32b(PT_NOTE));
        elf.extend(u32b(4)); // p_flags
        elf.extend(u64b(notes_at)); // p_offset
        elf.extend(u64b(notes_at)); // p_vaddr
        elf.extend(u64b(notes_at)); // p_paddr
        elf.extend(u64b(notes.len() as u64)); // p_filesz
        elf.extend(u64b(notes.len() as u64)); // p_memsz
        elf.extend(u64b(8)); // p_align
        elf.extend(notes);
        elf
    }

    #[test]
    fn reads_the_build_id_past_other_notes_in_either_byte_order() {
        let id: Vec<u8> = (1..=20).collect();
        for big in [false, true] {
            let found = gnu_build_id(&mut Cursor::new(image(&id, big))).unwrap();
            assert_eq!(found.as_deref(), Some("0102030405060708090a0b0c0d0e0f1011121314"), "big-endian {big}");
        }
    }

    #[test]
    fn not_elf_or_cut_short_is_no_build_id_or_an_error_never_a_panic() {
        assert_eq!(gnu_build_id(&mut Cursor::new(b"#!/bin/sh\necho hi\n".to_vec())).unwrap(), None);
        assert_eq!(gnu_build_id(&mut Cursor::new(Vec::new())).unwrap(), None);
        let whole = image(&[0xab; 20], false);
        for cut in 0..whole.len() {
            // Every prefix: no panic; a prefix that still holds the whole note finds it.
            let r = gnu_build_id(&mut Cursor::new(whole[..cut].to_vec()));
            assert!(!matches!(r, Ok(Some(_))), "a prefix of {cut} bytes cannot hold the whole note");
        }
        assert!(gnu_build_id(&mut Cursor::new(whole)).unwrap().is_some());
    }

    #[test]
    fn a_program_without_a_build_id_is_identified_by_its_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        std::fs::write(&path, "#!/bin/sh\necho hi\n").unwrap();
        let (id, sha, bytes) = identify(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(id, None);
        // sha256sum of the same 18 bytes.
        assert_eq!(sha.as_deref(), Some("299001868fb8c02fd431c336c6d058f5558c5dff5b5af5e6fe04b870a6a9cbba"));
        assert_eq!(bytes, 18);
        let elf = dir.path().join("prog");
        std::fs::write(&elf, image(&[7; 20], false)).unwrap();
        let (id, sha, _) = identify(std::fs::File::open(&elf).unwrap()).unwrap();
        assert_eq!((id.as_deref(), sha), (Some("07".repeat(20).as_str()), None));
    }
}
