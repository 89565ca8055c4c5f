//! Ledger stage, GBK ledgers (Chinese finance systems' exports): decoded a chunk at a time
//! into a temporary UTF-8 file that the CSV reader streams like any UTF-8 ledger.

use crate::error::{Error, Result};
use std::path::Path;

/// Bytes of a GBK ledger decoded at a time.
const GBK_CHUNK: usize = 1 << 20;

/// Decodes a GBK ledger into a temporary UTF-8 file, a chunk at a time (memory bounded
/// by the chunk, not the file), which the CSV reader then streams like any UTF-8 ledger;
/// the file is deleted when the guard drops. A UTF-8 byte-order mark in front (an
/// editor's doing) is dropped; a file that is UTF-8 after its mark is refused with the
/// way out.
pub(crate) fn decode_gbk(path: &Path) -> Result<tempfile::NamedTempFile> {
    use std::io::{Read, Write};
    let io = |e: std::io::Error| Error::io(path, e);
    let mut input = std::fs::File::open(path).map_err(io)?;
    let tmp = tempfile::NamedTempFile::new().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut out = std::io::BufWriter::new(tmp.as_file());
    let mut decoder = encoding_rs::GBK.new_decoder_without_bom_handling();
    let mut buf = vec![0u8; GBK_CHUNK];
    let mut text = vec![
        0u8;
        decoder
            .max_utf8_buffer_length(GBK_CHUNK)
            .unwrap_or(4 * GBK_CHUNK)
    ];
    // with a byte-order mark: whether the bytes after it are UTF-8 (`pending`: a
    // character cut at the chunk's end)
    let (mut bom, mut utf8, mut pending) = (None, true, Vec::new());
    let mut offset = 0u64;
    loop {
        let mut n = input.read(&mut buf).map_err(io)?;
        let mut chunk = &buf[..n];
        if bom.is_none() {
            let has = chunk.starts_with(b"\xEF\xBB\xBF");
            bom = Some(has);
            if has {
                chunk = &chunk[3..];
                offset = 3;
                n -= 3;
            }
        }
        if bom == Some(true) && utf8 {
            pending.extend_from_slice(chunk);
            match std::str::from_utf8(&pending) {
                Ok(_) => pending.clear(),
                Err(e) if e.error_len().is_none() => {
                    pending.drain(..e.valid_up_to());
                }
                Err(_) => utf8 = false,
            }
        }
        let last = n == 0;
        let mut from = 0;
        loop {
            let (result, read, written) =
                decoder.decode_to_utf8_without_replacement(&chunk[from..], &mut text, last);
            out.write_all(&text[..written]).map_err(io)?;
            from += read;
            match result {
                encoding_rs::DecoderResult::InputEmpty => break,
                encoding_rs::DecoderResult::OutputFull => continue,
                encoding_rs::DecoderResult::Malformed(..) => {
                    let at = offset + from as u64;
                    let reason = if bom == Some(true) {
                        "the file starts with a UTF-8 byte-order mark and its bytes are not \
                         GBK: it is probably UTF-8; read it without --encoding gbk"
                            .to_string()
                    } else {
                        format!(
                            "the bytes near byte {at} are not valid GBK (neither UTF-8 nor GBK?)"
                        )
                    };
                    return Err(Error::file(path, reason));
                }
            }
        }
        offset += n as u64;
        if last {
            break;
        }
    }
    if bom == Some(true) && utf8 && pending.is_empty() {
        return Err(Error::file(
            path,
            "the file starts with a UTF-8 byte-order mark and is UTF-8: read it without \
             --encoding gbk",
        ));
    }
    out.flush().map_err(io)?;
    drop(out);
    Ok(tmp)
}
