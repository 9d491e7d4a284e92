//! Signed notes, the envelope of every checksum-database tree head (`golang.org/x/mod/sumdb/note`).
//!
//! A signed note is a text ending in `\n`, a blank line, then signature lines
//! `— <name> <base64(key hash || signature)>\n` (an em dash, U+2014). A key is named by the server
//! name and a 32-bit key hash, the first four bytes (big-endian) of
//! `sha256(name + "\n" + algorithm byte + public key)`. The only algorithm is Ed25519 (1).
//!
//! Verifier keys look like `sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8`;
//! signer keys like `PRIVATE+KEY+<name>+<hash>+<base64(1 || 32-byte seed)>`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use sha2::{Digest, Sha256};

/// The Ed25519 algorithm byte that prefixes an encoded key.
const ALG_ED25519: u8 = 1;

/// More signatures than this make a note malformed (as in Go), bounding the work a hostile note
/// can cause.
const MAX_SIGNATURES: usize = 100;

/// What marks a signature line.
const SIG_PREFIX: &str = "\u{2014} ";

/// A key that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not of the form `name+hash+base64key` (or `PRIVATE+KEY+name+hash+base64key`), a bad name,
    /// bad base64, or a key of the wrong length.
    #[error("malformed key {key:?}: expected {expected}")]
    Malformed {
        /// The key as given (for a signer key, with the secret part removed).
        key: String,
        /// The expected form.
        expected: &'static str,
    },
    /// The key's algorithm byte is not Ed25519 (1).
    #[error("key {key:?} uses unknown algorithm {alg}")]
    UnknownAlgorithm {
        /// The key as given (for a signer key, with the secret part removed).
        key: String,
        /// The algorithm byte.
        alg: u8,
    },
    /// The key hash in the key does not match the key.
    #[error("key {key:?} has key hash {given:08x}, but the key hashes to {computed:08x}")]
    HashMismatch {
        /// The key as given (for a signer key, with the secret part removed).
        key: String,
        /// The hash written in the key.
        given: u32,
        /// The hash computed from name and key.
        computed: u32,
    },
    /// A server name must be non-empty UTF-8 without spaces or `+`.
    #[error("invalid server name {0:?}: it must be non-empty, without spaces or '+'")]
    InvalidName(String),
}

/// A note that cannot be opened or signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// Not a well-formed signed note: control characters or invalid UTF-8, no signature block,
    /// a bad signature line, or more than 100 signatures.
    #[error("malformed signed note: {0}")]
    Malformed(&'static str),
    /// A known key's signature does not verify.
    #[error("invalid signature by key {name}+{hash:08x}")]
    InvalidSignature {
        /// The server name.
        name: String,
        /// The key hash.
        hash: u32,
    },
    /// No signature is by a known key.
    #[error("note has no signature by a known key (signed by: {})", signers_list(.signers))]
    Unverified {
        /// `name+hash` of each unknown signer.
        signers: Vec<String>,
    },
    /// Two known keys share a name and key hash.
    #[error("ambiguous key {name}+{hash:08x}: two known keys have this name and hash")]
    AmbiguousKey {
        /// The server name.
        name: String,
        /// The key hash.
        hash: u32,
    },
}

fn signers_list(signers: &[String]) -> String {
    if signers.is_empty() {
        "nobody".to_string()
    } else {
        signers.join(", ")
    }
}

/// Whether `name` may name a server: non-empty, no Unicode space, no `+`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

/// The key hash of an encoded public key (algorithm byte included) for server `name`.
pub fn key_hash(name: &str, alg_and_key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(alg_and_key);
    let sum = h.finalize();
    u32::from_be_bytes([sum[0], sum[1], sum[2], sum[3]])
}

/// Splits `s` at the first `sep`; without one, everything is `before`.
fn chop(s: &str, sep: char) -> (&str, &str) {
    s.split_once(sep).unwrap_or((s, ""))
}

/// Parses the `hash+base64` tail of a key: exactly 8 hex digits, then a base64 key.
fn parse_hash_and_key(hash16: &str, key64: &str) -> Option<(u32, Vec<u8>)> {
    if hash16.len() != 8 || !hash16.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hash = u32::from_str_radix(hash16, 16).ok()?;
    let key = BASE64.decode(key64).ok()?;
    if key.is_empty() {
        return None;
    }
    Some((hash, key))
}

/// A public key that verifies one server's signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    hash: u32,
    key: [u8; 32],
}

impl Verifier {
    /// Parses a verifier key `<name>+<8 hex digits>+<base64(1 || 32-byte Ed25519 key)>`,
    /// checking the key hash.
    pub fn parse(vkey: &str) -> Result<Verifier, KeyError> {
        let malformed = || KeyError::Malformed {
            key: vkey.to_string(),
            expected: "<name>+<8 hex digits>+<base64 Ed25519 key>",
        };
        let (name, rest) = chop(vkey, '+');
        let (hash16, key64) = chop(rest, '+');
        let (hash, key) = parse_hash_and_key(hash16, key64).ok_or_else(malformed)?;
        if !is_valid_name(name) {
            return Err(KeyError::InvalidName(name.to_string()));
        }
        let computed = key_hash(name, &key);
        if computed != hash {
            return Err(KeyError::HashMismatch {
                key: vkey.to_string(),
                given: hash,
                computed,
            });
        }
        if key[0] != ALG_ED25519 {
            return Err(KeyError::UnknownAlgorithm {
                key: vkey.to_string(),
                alg: key[0],
            });
        }
        let key: [u8; 32] = key[1..].try_into().map_err(|_| malformed())?;
        Ok(Verifier {
            name: name.to_string(),
            hash,
            key,
        })
    }

    /// The server name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key hash.
    pub fn key_hash(&self) -> u32 {
        self.hash
    }

    /// Whether `sig` is this key's Ed25519 signature of `msg`.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.key)
            .verify(msg, sig)
            .is_ok()
    }

    /// The encoded verifier key, `<name>+<hash>+<base64>`.
    pub fn encode(&self) -> String {
        let mut k = vec![ALG_ED25519];
        k.extend_from_slice(&self.key);
        format!("{}+{:08x}+{}", self.name, self.hash, BASE64.encode(k))
    }
}

/// A private key that signs notes as one server.
pub struct Signer {
    name: String,
    hash: u32,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("hash", &format_args!("{:08x}", self.hash))
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Parses a signer key `PRIVATE+KEY+<name>+<hash>+<base64(1 || 32-byte seed)>`, checking the
    /// key hash against the public key derived from the seed.
    pub fn parse(skey: &str) -> Result<Signer, KeyError> {
        // Errors never repeat the secret part (its base64 may itself hold '+').
        let shown = skey.splitn(5, '+').take(4).collect::<Vec<_>>().join("+");
        let malformed = || KeyError::Malformed {
            key: format!("{shown}+…"),
            expected: "PRIVATE+KEY+<name>+<8 hex digits>+<base64 Ed25519 seed>",
        };
        let (p1, rest) = chop(skey, '+');
        let (p2, rest) = chop(rest, '+');
        let (name, rest) = chop(rest, '+');
        let (hash16, key64) = chop(rest, '+');
        if p1 != "PRIVATE" || p2 != "KEY" {
            return Err(malformed());
        }
        let (hash, key) = parse_hash_and_key(hash16, key64).ok_or_else(malformed)?;
        if !is_valid_name(name) {
            return Err(KeyError::InvalidName(name.to_string()));
        }
        if key[0] != ALG_ED25519 {
            return Err(KeyError::UnknownAlgorithm {
                key: format!("{shown}+…"),
                alg: key[0],
            });
        }
        let seed: [u8; 32] = key[1..].try_into().map_err(|_| malformed())?;
        let signer = Signer::from_seed(name, &seed)?;
        if signer.hash != hash {
            return Err(KeyError::HashMismatch {
                key: format!("{shown}+…"),
                given: hash,
                computed: signer.hash,
            });
        }
        Ok(signer)
    }

    fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Signer, KeyError> {
        if !is_valid_name(name) {
            return Err(KeyError::InvalidName(name.to_string()));
        }
        let pair = Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| KeyError::Malformed {
            key: format!("PRIVATE+KEY+{name}+…"),
            expected: "a 32-byte Ed25519 seed",
        })?;
        let mut public = vec![ALG_ED25519];
        public.extend_from_slice(pair.public_key().as_ref());
        Ok(Signer {
            name: name.to_string(),
            hash: key_hash(name, &public),
            pair,
        })
    }

    /// The server name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key hash.
    pub fn key_hash(&self) -> u32 {
        self.hash
    }

    /// The Ed25519 signature of `msg`.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.pair.sign(msg).as_ref().to_vec()
    }

    /// The verifier for this signer.
    pub fn verifier(&self) -> Verifier {
        let key: [u8; 32] = self
            .pair
            .public_key()
            .as_ref()
            .try_into()
            .expect("an Ed25519 public key is 32 bytes");
        Verifier {
            name: self.name.clone(),
            hash: self.hash,
            key,
        }
    }
}

/// A key pair for server `name` from a 32-byte Ed25519 seed: `(signer key, verifier key)`.
///
/// The same seed gives the same keys as Go's `note.GenerateKey` reading that seed from its
/// random source, so a test can use fixed keys.
pub fn generate_key(name: &str, seed: [u8; 32]) -> Result<(String, String), KeyError> {
    let signer = Signer::from_seed(name, &seed)?;
    let mut private = vec![ALG_ED25519];
    private.extend_from_slice(&seed);
    let skey = format!(
        "PRIVATE+KEY+{}+{:08x}+{}",
        name,
        signer.hash,
        BASE64.encode(private)
    );
    Ok((skey, signer.verifier().encode()))
}

/// A signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The server name.
    pub name: String,
    /// The key hash.
    pub hash: u32,
    /// The base64 of key hash and signature, as written in the note.
    pub base64: String,
}

/// An opened note: its text and the signatures found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending in `\n`.
    pub text: String,
    /// Signatures verified by a known key.
    pub sigs: Vec<Signature>,
    /// Signatures by keys not known (ignored).
    pub unverified_sigs: Vec<Signature>,
}

/// Signs `text` (which must end in `\n`) with `signer`: the text, a blank line, one signature line.
pub fn sign(text: &str, signer: &Signer) -> Result<Vec<u8>, NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed("the text does not end in a newline"));
    }
    let mut sig = signer.hash.to_be_bytes().to_vec();
    sig.extend_from_slice(&signer.sign(text.as_bytes()));
    let mut out = String::with_capacity(text.len() + 128);
    out.push_str(text);
    out.push('\n');
    out.push_str(SIG_PREFIX);
    out.push_str(&signer.name);
    out.push(' ');
    out.push_str(&BASE64.encode(sig));
    out.push('\n');
    Ok(out.into_bytes())
}

/// Opens a signed note, verifying its signatures against `known`.
///
/// A signature by a known key (same name and key hash) must verify, or the note is refused;
/// signatures by other keys are kept in [`Note::unverified_sigs`]; at least one signature must
/// be by a known key. Repeated signature lines count once.
pub fn open(msg: &[u8], known: &[Verifier]) -> Result<Note, NoteError> {
    let msg = std::str::from_utf8(msg).map_err(|_| NoteError::Malformed("not valid UTF-8"))?;
    if msg.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::Malformed("a control character"));
    }
    let split = msg
        .rfind("\n\n")
        .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
    let (text, sigs) = (&msg[..split + 1], &msg[split + 2..]);
    if !sigs.ends_with('\n') {
        return Err(NoteError::Malformed(
            "the signatures do not end in a newline",
        ));
    }
    let mut note = Note {
        text: text.to_string(),
        sigs: Vec::new(),
        unverified_sigs: Vec::new(),
    };
    let mut seen_lines: Vec<&str> = Vec::new();
    for (count, line) in sigs[..sigs.len() - 1].split('\n').enumerate() {
        if count >= MAX_SIGNATURES {
            return Err(NoteError::Malformed("more than 100 signatures"));
        }
        let body = line
            .strip_prefix(SIG_PREFIX)
            .ok_or(NoteError::Malformed("a signature line without the em dash"))?;
        let (name, b64) = chop(body, ' ');
        let raw = BASE64
            .decode(b64)
            .map_err(|_| NoteError::Malformed("a signature that is not base64"))?;
        if !is_valid_name(name) || b64.is_empty() || raw.len() < 5 {
            return Err(NoteError::Malformed("a bad signature line"));
        }
        if seen_lines.contains(&line) {
            continue;
        }
        seen_lines.push(line);
        let hash = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
        let sig = Signature {
            name: name.to_string(),
            hash,
            base64: b64.to_string(),
        };
        let mut matching = known.iter().filter(|v| v.name == name && v.hash == hash);
        let Some(verifier) = matching.next() else {
            note.unverified_sigs.push(sig);
            continue;
        };
        if matching.next().is_some() {
            return Err(NoteError::AmbiguousKey {
                name: name.to_string(),
                hash,
            });
        }
        // A second, different signature line by a key already verified is dropped, as in Go.
        if note.sigs.iter().any(|s| s.name == name && s.hash == hash) {
            continue;
        }
        if !verifier.verify(text.as_bytes(), &raw[4..]) {
            return Err(NoteError::InvalidSignature {
                name: name.to_string(),
                hash,
            });
        }
        note.sigs.push(sig);
    }
    if note.sigs.is_empty() {
        return Err(NoteError::Unverified {
            signers: note
                .unverified_sigs
                .iter()
                .map(|s| format!("{}+{:08x}", s.name, s.hash))
                .collect(),
        });
    }
    Ok(note)
}
