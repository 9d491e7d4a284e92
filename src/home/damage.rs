//! Whether an installed version's `bin/go` can run at all, judged from the file alone (nothing
//! is executed): what `gover install V` checks before it says "already installed".

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Why the kernel would refuse to run `tool` (an empty file, one without execute permission, a
/// text file without `#!`, an ELF cut short), or `None` when it looks runnable. Conservative:
/// only what certainly fails is reported; a file that cannot be read is left to the exec.
pub fn unrunnable(tool: &Path) -> Option<&'static str> {
    let meta = std::fs::metadata(tool).ok()?;
    if !meta.is_file() {
        return Some("it is not a regular file");
    }
    if meta.len() == 0 {
        return Some("it is empty");
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Some("it is not executable (no x permission)");
    }
    let mut file = File::open(tool).ok()?;
    let mut head = [0u8; 64];
    let got = read_up_to(&mut file, &mut head)?;
    let head = &head[..got];
    if head.starts_with(b"#!") {
        return None;
    }
    if head.starts_with(ELF_MAGIC) {
        return elf_cut_short(&mut file, head, meta.len())
            .then_some("it is an executable cut short (truncated)");
    }
    // Other systems have other formats (Mach-O); on Linux a Go tool is ELF or a `#!` script.
    cfg!(target_os = "linux").then_some("it is not an executable (neither ELF nor a `#!` script)")
}

const ELF_MAGIC: &[u8] = b"\x7fELF";

/// An ELF file whose header, program headers or loadable segments reach past its end (what a
/// download cut short, or a copy that ran out of space, leaves). 64-bit little-endian only (every
/// Linux target Go ships but 386 and the big-endian ones); others pass.
fn elf_cut_short(file: &mut File, head: &[u8], len: u64) -> bool {
    const CLASS64: u8 = 2;
    const LITTLE_ENDIAN: u8 = 1;
    const PT_LOAD: u32 = 1;
    if head.len() < 64 {
        return true;
    }
    if head[4] != CLASS64 || head[5] != LITTLE_ENDIAN {
        return false;
    }
    let u16_at = |b: &[u8], i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let u64_at = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
    let (phoff, phentsize, phnum) = (u64_at(head, 32), u16_at(head, 54), u16_at(head, 56));
    let table_end = phoff.saturating_add(phentsize.saturating_mul(phnum));
    if table_end > len {
        return true;
    }
    if phentsize < 56 || phnum == 0 {
        return false;
    }
    let mut table = vec![0u8; (phentsize * phnum) as usize];
    if file.seek(SeekFrom::Start(phoff)).is_err() || file.read_exact(&mut table).is_err() {
        return false;
    }
    table.chunks_exact(phentsize as usize).any(|entry| {
        let kind = u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]);
        kind == PT_LOAD && u64_at(entry, 8).saturating_add(u64_at(entry, 32)) > len
    })
}

/// Read until `buf` is full or the file ends; the count read.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> Option<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(got)
}
