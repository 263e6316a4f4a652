//! Metadata of plain evidence files (docs/import-formats.md §5): what a file is, when its
//! content was captured, and how long a recording lasts. Reads only the headers it needs
//! (AMR is the exception: its duration is the number of frames, so the file is walked through).
//! Everything found is reported as read; nothing is guessed silently.

use std::io::{Read, Seek, SeekFrom};

use chrono::{DateTime, NaiveDateTime};

use crate::item::MediaInfo;

/// Reads what can be read; never fails (an unreadable header becomes a note).
pub fn probe<R: Read + Seek>(name: &str, mut r: R) -> MediaInfo {
    let mut info = MediaInfo { name: name.to_string(), ..MediaInfo::default() };
    let mut head = [0u8; 16];
    let n = read_up_to(&mut r, &mut head);
    let head = &head[..n];
    let result = if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        info.mime = "image/jpeg".into();
        jpeg(&mut r, &mut info)
    } else if head.starts_with(b"\x89PNG") {
        info.mime = "image/png".into();
        Ok(())
    } else if head.starts_with(b"%PDF") {
        info.mime = "application/pdf".into();
        pdf(&mut r, &mut info)
    } else if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WAVE") {
        info.mime = "audio/wav".into();
        wav(&mut r, &mut info)
    } else if head.starts_with(b"#!AMR-WB\n") {
        info.mime = "audio/amr-wb".into();
        amr(&mut r, &mut info, 9, &AMR_WB_SIZES)
    } else if head.starts_with(b"#!AMR\n") {
        info.mime = "audio/amr".into();
        amr(&mut r, &mut info, 6, &AMR_NB_SIZES)
    } else if head.get(4..8) == Some(b"ftyp") {
        info.mime = match head.get(8..12) {
            Some(b"M4A ") => "audio/mp4",
            Some(b"3gp4" | b"3gp5" | b"3gp6") => "audio/3gpp",
            Some(b"heic" | b"heix" | b"mif1") => "image/heic",
            _ => "video/mp4",
        }
        .into();
        mp4(&mut r, &mut info)
    } else if head.starts_with(b"ID3") || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        info.mime = "audio/mpeg".into();
        mp3(&mut r, &mut info)
    } else {
        info.mime = "application/octet-stream".into();
        info.notes.push("未识别的文件类型：按原样保存，不读取元数据".into());
        Ok(())
    };
    if let Err(e) = result {
        info.notes.push(format!("元数据读取不完整：{e}"));
    }
    if info.captured_at.is_none() && info.mime.starts_with("image/") {
        // Screenshots carry no EXIF; phones name them by the moment they were taken.
        match crate::screenshot::hints(name).taken {
            Some(t) => {
                info.captured_at = Some(t.format("%Y-%m-%dT%H:%M:%S").to_string());
                info.notes.push(
                    "图片中没有拍摄时间（EXIF），时间取自文件名（手机截图按截屏时刻命名），文件改过名则不可靠".into(),
                );
            }
            None => info.notes.push("图片中没有拍摄时间（EXIF）：截图通常没有，需另行说明时间".into()),
        }
    }
    info
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

type Res = Result<(), String>;

fn io<T>(r: std::io::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("读取失败：{e}"))
}

fn read_exact<R: Read>(r: &mut R, n: usize) -> Result<Vec<u8>, String> {
    let mut v = vec![0u8; n];
    r.read_exact(&mut v).map_err(|_| "文件在头部信息中途结束".to_string())?;
    Ok(v)
}

// ---- JPEG / EXIF ----

fn jpeg<R: Read + Seek>(r: &mut R, info: &mut MediaInfo) -> Res {
    io(r.seek(SeekFrom::Start(2)))?;
    loop {
        let m = read_exact(r, 4)?;
        if m[0] != 0xFF {
            return Err("JPEG 段标记错误".into());
        }
        let len = u16::from_be_bytes([m[2], m[3]]) as usize;
        if m[1] == 0xDA || m[1] == 0xD9 || len < 2 {
            return Ok(());
        }
        let body = read_exact(r, len - 2)?;
        if m[1] == 0xE1 && body.starts_with(b"Exif\0\0") {
            exif(&body[6..], info);
            return Ok(());
        }
    }
}

fn exif(tiff: &[u8], info: &mut MediaInfo) {
    let le = match tiff.get(..2) {
        Some(b"II") => true,
        Some(b"MM") => false,
        _ => {
            info.notes.push("EXIF 字节序标记错误".into());
            return;
        }
    };
    let u16_at = |o: usize| {
        tiff.get(o..o + 2).map(|b| if le { u16::from_le_bytes([b[0], b[1]]) } else { u16::from_be_bytes([b[0], b[1]]) })
    };
    let u32_at = |o: usize| {
        tiff.get(o..o + 4).map(|b| {
            let a = [b[0], b[1], b[2], b[3]];
            if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) }
        })
    };
    // Returns (tag, type, count, value-or-offset position) for each entry of the IFD at `off`.
    let entries = |off: usize| -> Vec<(u16, u16, u32, usize)> {
        let Some(n) = u16_at(off) else { return Vec::new() };
        (0..n as usize)
            .filter_map(|i| {
                let e = off + 2 + i * 12;
                Some((u16_at(e)?, u16_at(e + 2)?, u32_at(e + 4)?, e + 8))
            })
            .collect()
    };
    let ascii = |count: u32, at: usize| -> Option<String> {
        let start = if count > 4 { u32_at(at)? as usize } else { at };
        let bytes = tiff.get(start..start + count as usize)?;
        Some(String::from_utf8_lossy(bytes).trim_end_matches('\0').trim().to_string())
    };
    let Some(ifd0) = u32_at(4) else { return };
    let mut modified = None;
    let mut original = None;
    let mut offset = None;
    for (tag, _ty, count, at) in entries(ifd0 as usize) {
        match tag {
            0x0132 => modified = ascii(count, at),
            0x8769 => {
                if let Some(sub) = u32_at(at) {
                    for (tag, _ty, count, at) in entries(sub as usize) {
                        match tag {
                            0x9003 => original = ascii(count, at),
                            0x9011 => offset = ascii(count, at),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let (value, which) = match (original, modified) {
        (Some(o), _) => (o, "DateTimeOriginal"),
        (None, Some(m)) => (m, "DateTime（修改时间）"),
        (None, None) => return,
    };
    // A blank or zeroed date ("0000:00:00 00:00:00", spaces) means unknown.
    let Ok(naive) = NaiveDateTime::parse_from_str(&value, "%Y:%m:%d %H:%M:%S") else {
        info.notes.push(format!("EXIF {which} 无法识别：“{value}”"));
        return;
    };
    let local = naive.format("%Y-%m-%dT%H:%M:%S").to_string();
    match offset.filter(|o| o.len() == 6) {
        Some(o) => info.captured_at = Some(format!("{local}{o}")),
        None => {
            info.captured_at = Some(local);
            info.notes.push(format!("EXIF {which} 没有时区（OffsetTimeOriginal），是拍摄设备的本地时间"));
        }
    }
}

// ---- WAV ----

fn wav<R: Read + Seek>(r: &mut R, info: &mut MediaInfo) -> Res {
    io(r.seek(SeekFrom::Start(12)))?;
    let mut byte_rate = None;
    while let Ok(h) = read_exact(r, 8) {
        let size = u32::from_le_bytes([h[4], h[5], h[6], h[7]]) as u64;
        match &h[..4] {
            b"fmt " => {
                let f = read_exact(r, size.min(64) as usize)?;
                byte_rate = f.get(8..12).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
                io(r.seek(SeekFrom::Current(size as i64 - size.min(64) as i64 + (size & 1) as i64)))?;
            }
            b"data" => {
                let rate = byte_rate.filter(|&b| b > 0).ok_or("WAV 缺少 fmt 块或字节率为 0")?;
                info.duration_ms = Some(size * 1000 / rate as u64);
                return Ok(());
            }
            _ => {
                io(r.seek(SeekFrom::Current(size as i64 + (size & 1) as i64)))?;
            }
        }
    }
    Err("WAV 中没有 data 块".into())
}

// ---- AMR ----

/// Frame payload sizes in bytes by frame type (RFC 4867 §5.3; 15 = no data).
const AMR_NB_SIZES: [u16; 16] = [12, 13, 15, 17, 19, 20, 26, 31, 5, 0, 0, 0, 0, 0, 0, 0];
const AMR_WB_SIZES: [u16; 16] = [17, 23, 32, 36, 40, 46, 50, 58, 60, 5, 0, 0, 0, 0, 0, 0];

fn amr<R: Read + Seek>(r: &mut R, info: &mut MediaInfo, magic: u64, sizes: &[u16; 16]) -> Res {
    io(r.seek(SeekFrom::Start(magic)))?;
    let mut frames = 0u64;
    let mut buf = std::io::BufReader::new(r);
    let mut hdr = [0u8; 1];
    loop {
        match buf.read(&mut hdr) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("读取失败：{e}")),
        }
        let ft = ((hdr[0] >> 3) & 0x0F) as usize;
        let skip = sizes[ft] as i64;
        if skip > 0 {
            io(buf.seek_relative(skip))?;
        }
        frames += 1;
    }
    // Every AMR frame is 20 ms.
    info.duration_ms = Some(frames * 20);
    Ok(())
}

// ---- MP4 / M4A / 3GP ----

/// Seconds between 1904-01-01 (the ISO BMFF epoch) and 1970-01-01.
const MP4_EPOCH_OFFSET: i64 = 2_082_844_800;

fn mp4<R: Read + Seek>(r: &mut R, info: &mut MediaInfo) -> Res {
    let end = io(r.seek(SeekFrom::End(0)))?;
    let mut pos = 0u64;
    // Walk the top-level boxes to moov, then its children to mvhd.
    let mut limit = end;
    let mut in_moov = false;
    while pos + 8 <= limit {
        io(r.seek(SeekFrom::Start(pos)))?;
        let h = read_exact(r, 8)?;
        let mut size = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as u64;
        let mut header = 8;
        if size == 1 {
            let big = read_exact(r, 8)?;
            size = u64::from_be_bytes([big[0], big[1], big[2], big[3], big[4], big[5], big[6], big[7]]);
            header = 16;
        } else if size == 0 {
            size = limit - pos;
        }
        if size < header || pos.checked_add(size).is_none_or(|end| end > limit) {
            return Err("MP4 盒子大小错误（超出文件或所在的盒子）".into());
        }
        match &h[4..8] {
            b"moov" if !in_moov => {
                in_moov = true;
                limit = pos + size;
                pos += header;
                continue;
            }
            b"mvhd" if in_moov => {
                let v = read_exact(r, 4)?;
                let (created, timescale, duration) = if v[0] == 1 {
                    let b = read_exact(r, 28)?;
                    let c = u64::from_be_bytes(b[0..8].try_into().map_err(|_| "mvhd")?);
                    let ts = u32::from_be_bytes(b[16..20].try_into().map_err(|_| "mvhd")?);
                    let d = u64::from_be_bytes(b[20..28].try_into().map_err(|_| "mvhd")?);
                    (c, ts, d)
                } else {
                    let b = read_exact(r, 16)?;
                    let c = u32::from_be_bytes(b[0..4].try_into().map_err(|_| "mvhd")?) as u64;
                    let ts = u32::from_be_bytes(b[8..12].try_into().map_err(|_| "mvhd")?);
                    let d = u32::from_be_bytes(b[12..16].try_into().map_err(|_| "mvhd")?) as u64;
                    (c, ts, d)
                };
                if timescale > 0 {
                    info.duration_ms = Some(duration.saturating_mul(1000) / timescale as u64);
                }
                if created > 0 {
                    let unix = created as i64 - MP4_EPOCH_OFFSET;
                    if let Some(t) = DateTime::from_timestamp(unix, 0) {
                        info.captured_at = Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
                        info.notes.push("MP4 创建时间按标准为 UTC；部分手机写入本地时间，需核对".into());
                    }
                }
                return Ok(());
            }
            _ => pos += size,
        }
    }
    Err("找不到 moov/mvhd（文件可能不完整）".into())
}

// ---- MP3 ----

fn mp3<R: Read + Seek>(r: &mut R, info: &mut MediaInfo) -> Res {
    let len = io(r.seek(SeekFrom::End(0)))?;
    io(r.seek(SeekFrom::Start(0)))?;
    let mut start = 0u64;
    let h = read_exact(r, 10)?;
    if h.starts_with(b"ID3") {
        // Syncsafe size: 7 bits per byte.
        let size = h[6..10].iter().fold(0u64, |acc, &b| (acc << 7) | (b & 0x7F) as u64);
        start = 10 + size;
    }
    io(r.seek(SeekFrom::Start(start)))?;
    let frame = read_exact(r, 4)?;
    if frame[0] != 0xFF || frame[1] & 0xE0 != 0xE0 {
        return Err("找不到 MP3 帧头".into());
    }
    let version = (frame[1] >> 3) & 0x03; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    let layer = (frame[1] >> 1) & 0x03; // 1 = Layer III
    let bitrate_idx = (frame[2] >> 4) as usize;
    let rate_idx = ((frame[2] >> 2) & 0x03) as usize;
    let mono = (frame[3] >> 6) == 3;
    if layer != 1 {
        return Err("不是 MPEG Layer III".into());
    }
    const BITRATES_V1: [u32; 16] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
    const BITRATES_V2: [u32; 16] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
    let (rates, bitrates, samples): ([u32; 3], [u32; 16], u64) = match version {
        3 => ([44100, 48000, 32000], BITRATES_V1, 1152),
        2 => ([22050, 24000, 16000], BITRATES_V2, 576),
        _ => ([11025, 12000, 8000], BITRATES_V2, 576),
    };
    let sample_rate = *rates.get(rate_idx).ok_or("MP3 采样率索引错误")?;
    // The Xing/Info header sits after the side information of the first frame.
    let side = match (version == 3, mono) {
        (true, false) => 32,
        (true, true) => 17,
        (false, false) => 17,
        (false, true) => 9,
    };
    let x = read_exact(r, side + 12)?;
    let tag = &x[side..side + 4];
    if (tag == b"Xing" || tag == b"Info") && x[side + 7] & 0x01 != 0 {
        let frames = u32::from_be_bytes([x[side + 8], x[side + 9], x[side + 10], x[side + 11]]) as u64;
        info.duration_ms = Some(frames * samples * 1000 / sample_rate as u64);
        return Ok(());
    }
    let bitrate = bitrates[bitrate_idx] as u64 * 1000;
    if bitrate == 0 {
        return Err("MP3 码率未知".into());
    }
    info.duration_ms = Some((len - start) * 8 * 1000 / bitrate);
    info.notes.push("MP3 没有 Xing/Info 头：时长按固定码率估算".into());
    Ok(())
}

// ---- PDF ----

fn pdf<R: Read + Seek>(r: &mut R, info: &mut MediaInfo) -> Res {
    // The Info dictionary is usually near the end; small files are read whole.
    let len = io(r.seek(SeekFrom::End(0)))?;
    let mut text = Vec::new();
    for (from, n) in [(0, len.min(65536)), (len.saturating_sub(65536), len.min(65536))] {
        io(r.seek(SeekFrom::Start(from)))?;
        let mut chunk = vec![0u8; n as usize];
        io(r.read_exact(&mut chunk))?;
        text.extend_from_slice(&chunk);
    }
    let s = String::from_utf8_lossy(&text);
    let Some(i) = s.find("/CreationDate") else {
        info.notes.push("PDF 中没有 CreationDate".into());
        return Ok(());
    };
    let rest = &s[i + "/CreationDate".len()..];
    let Some(d) = rest.find("D:") else { return Ok(()) };
    let raw: String = rest[d + 2..].chars().take_while(|c| *c != ')').collect();
    match pdf_date(&raw) {
        Some(v) => info.captured_at = Some(v),
        None => info.notes.push(format!("PDF CreationDate 无法识别：“{raw}”")),
    }
    Ok(())
}

/// `YYYYMMDDHHmmSS+HH'mm'` (later parts optional) → RFC 3339, or local time when no zone.
fn pdf_date(raw: &str) -> Option<String> {
    let digits: String = raw.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() < 4 {
        return None;
    }
    let pad = |s: &str, default: &str| if s.is_empty() { default.to_string() } else { s.to_string() };
    let part = |a: usize, b: usize| digits.get(a..b.min(digits.len())).unwrap_or("").to_string();
    let (y, mo, d, h, mi, se) = (
        part(0, 4),
        pad(&part(4, 6), "01"),
        pad(&part(6, 8), "01"),
        pad(&part(8, 10), "00"),
        pad(&part(10, 12), "00"),
        pad(&part(12, 14), "00"),
    );
    let local = format!("{y}-{mo}-{d}T{h}:{mi}:{se}");
    NaiveDateTime::parse_from_str(&local, "%Y-%m-%dT%H:%M:%S").ok()?;
    let zone = &raw[digits.len()..];
    let zone_str = match zone.chars().next() {
        Some('Z') => "Z".to_string(),
        Some(sign @ ('+' | '-')) => {
            let z: String = zone[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let (zh, zm) = (z.get(0..2).unwrap_or("00"), z.get(2..4).unwrap_or("00"));
            format!("{sign}{zh}:{zm}")
        }
        _ => String::new(),
    };
    Some(format!("{local}{zone_str}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        assert_eq!(pdf_date("20250304101500+08'00'").as_deref(), Some("2025-03-04T10:15:00+08:00"));
        assert_eq!(pdf_date("20250304101500Z").as_deref(), Some("2025-03-04T10:15:00Z"));
        assert_eq!(pdf_date("2025").as_deref(), Some("2025-01-01T00:00:00"));
        assert_eq!(pdf_date("xx"), None);
    }

    #[test]
    fn wav_duration() {
        // 8 kHz, 16-bit mono: 16,000 bytes per second; 24,000 bytes of data = 1.5 s.
        let mut w = Vec::new();
        w.extend_from_slice(b"RIFF");
        w.extend_from_slice(&(36u32 + 24000).to_le_bytes());
        w.extend_from_slice(b"WAVEfmt ");
        w.extend_from_slice(&16u32.to_le_bytes());
        w.extend_from_slice(&[1, 0, 1, 0]);
        w.extend_from_slice(&8000u32.to_le_bytes());
        w.extend_from_slice(&16000u32.to_le_bytes());
        w.extend_from_slice(&[2, 0, 16, 0]);
        w.extend_from_slice(b"data");
        w.extend_from_slice(&24000u32.to_le_bytes());
        w.extend(std::iter::repeat_n(0u8, 24000));
        let info = probe("a.wav", std::io::Cursor::new(w));
        assert_eq!(info.mime, "audio/wav");
        assert_eq!(info.duration_ms, Some(1500));
    }

    #[test]
    fn unknown_bytes_are_kept_with_a_note() {
        let info = probe("x.bin", std::io::Cursor::new(vec![1u8, 2, 3]));
        assert_eq!(info.mime, "application/octet-stream");
        assert!(!info.notes.is_empty());
    }
}
