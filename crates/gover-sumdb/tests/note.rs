//! Signed notes and keys, with the test vectors of Go's `golang.org/x/mod/sumdb/note`
//! (`note_test.go` and the package documentation's PeterNeumann / EnochRoot example).

use gover_sumdb::note::{self, KeyError, NoteError, Signature, Signer, Verifier, generate_key};

const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

/// The key sum.golang.org signs with (the default GOSUMDB).
const SUM_GOLANG_ORG: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

fn peter() -> Signature {
    Signature {
        name: "PeterNeumann".into(),
        hash: 0xc74f20a3,
        base64: "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=".into(),
    }
}

fn enoch() -> Signature {
    Signature {
        name: "EnochRoot".into(),
        hash: 0xaf0cfe78,
        base64: "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=".into(),
    }
}

#[test]
fn the_sum_golang_org_key_parses() {
    let v = Verifier::parse(SUM_GOLANG_ORG).unwrap();
    assert_eq!(v.name(), "sum.golang.org");
    assert_eq!(v.key_hash(), 0x033de0ae);
    assert_eq!(v.encode(), SUM_GOLANG_ORG);
}

#[test]
fn verifier_key_and_every_mangling_of_it() {
    let v = Verifier::parse(PETER_VKEY).unwrap();
    assert_eq!((v.name(), v.key_hash()), ("PeterNeumann", 0xc74f20a3));
    let b = PETER_VKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                let k = std::str::from_utf8(&b[i..j]).unwrap();
                assert!(Verifier::parse(k).is_err(), "{k:?} accepted");
            }
        }
    }
    let mut m = b.to_vec();
    for i in 0..m.len() {
        m[i] += 1;
        let k = String::from_utf8(m.clone()).unwrap();
        assert!(Verifier::parse(&k).is_err(), "{k:?} accepted");
        m[i] -= 1;
    }
    // A key of the wrong length and an unknown algorithm, each with a matching key hash.
    assert!(matches!(
        Verifier::parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        ),
        Err(KeyError::Malformed { .. })
    ));
    assert!(matches!(
        Verifier::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(KeyError::UnknownAlgorithm { alg: 0x65, .. })
    ));
}

#[test]
fn signer_key_and_every_mangling_of_it() {
    let s = Signer::parse(PETER_SKEY).unwrap();
    assert_eq!((s.name(), s.key_hash()), ("PeterNeumann", 0xc74f20a3));
    assert_eq!(s.verifier().encode(), PETER_VKEY);
    let b = PETER_SKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                let k = std::str::from_utf8(&b[i..j]).unwrap();
                assert!(Signer::parse(k).is_err(), "{k:?} accepted");
            }
        }
    }
    let mut m = b.to_vec();
    for i in 0..m.len() {
        m[i] += 1;
        let k = String::from_utf8(m.clone()).unwrap();
        assert!(Signer::parse(&k).is_err(), "{k:?} accepted");
        m[i] -= 1;
    }
}

#[test]
fn signer_errors_do_not_repeat_the_secret() {
    let bad = PETER_SKEY.replace("c74f20a3", "c74f20a4");
    let err = Signer::parse(&bad).unwrap_err().to_string();
    assert!(err.contains("c74f20a4"), "{err}");
    assert!(!err.contains("AYEKFALV"), "{err}");
}

#[test]
fn generate_key_from_a_seed_gives_gos_keys() {
    // Go's GenerateKey reads the 32-byte Ed25519 seed from its random source; PETER_SKEY holds
    // that seed after the algorithm byte.
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(PETER_SKEY.splitn(5, '+').last().unwrap())
        .unwrap();
    let seed: [u8; 32] = raw[1..].try_into().unwrap();
    let (skey, vkey) = generate_key("PeterNeumann", seed).unwrap();
    assert_eq!(skey, PETER_SKEY);
    assert_eq!(vkey, PETER_VKEY);
    assert!(matches!(
        generate_key("bad name", seed),
        Err(KeyError::InvalidName(_))
    ));
}

#[test]
fn sign_and_verify_round_trip_and_refuse_corruption() {
    let (skey, vkey) = generate_key("EnochRoot", [7; 32]).unwrap();
    let (s, v) = (
        Signer::parse(&skey).unwrap(),
        Verifier::parse(&vkey).unwrap(),
    );
    assert_eq!(s.key_hash(), v.key_hash());
    let mut sig = s.sign(b"hi");
    assert!(v.verify(b"hi", &sig));
    assert!(!v.verify(b"hj", &sig));
    sig[0] ^= 1;
    assert!(!v.verify(b"hi", &sig));
}

#[test]
fn sign_gives_gos_note() {
    let signer = Signer::parse(PETER_SKEY).unwrap();
    let msg = note::sign(TEXT, &signer).unwrap();
    assert_eq!(
        String::from_utf8(msg).unwrap(),
        format!("{TEXT}\n{PETER_SIG}")
    );
    assert!(matches!(
        note::sign("abc", &signer),
        Err(NoteError::Malformed(_))
    ));
}

#[test]
fn open_verifies_known_keys_and_keeps_others_unverified() {
    let p = Verifier::parse(PETER_VKEY).unwrap();
    let e = Verifier::parse(ENOCH_VKEY).unwrap();
    let msg = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");

    let n = note::open(msg.as_bytes(), std::slice::from_ref(&p)).unwrap();
    assert_eq!(n.text, TEXT);
    assert_eq!(n.sigs, vec![peter()]);
    assert_eq!(n.unverified_sigs, vec![enoch()]);

    let n = note::open(msg.as_bytes(), &[p.clone(), e.clone()]).unwrap();
    assert_eq!(n.sigs, vec![peter(), enoch()]);
    assert!(n.unverified_sigs.is_empty());

    match note::open(msg.as_bytes(), &[]) {
        Err(NoteError::Unverified { signers }) => {
            assert_eq!(signers, ["PeterNeumann+c74f20a3", "EnochRoot+af0cfe78"])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn open_refuses_ambiguous_keys_only_when_used() {
    let p = Verifier::parse(PETER_VKEY).unwrap();
    let e = Verifier::parse(ENOCH_VKEY).unwrap();
    let known = [e.clone(), p.clone(), e.clone()];
    let enoch_only = format!("{TEXT}\n{ENOCH_SIG}");
    assert!(matches!(
        note::open(enoch_only.as_bytes(), &known),
        Err(NoteError::AmbiguousKey {
            hash: 0xaf0cfe78,
            ..
        })
    ));
    let peter_only = format!("{TEXT}\n{PETER_SIG}");
    note::open(peter_only.as_bytes(), &known).unwrap();
}

#[test]
fn open_refuses_too_many_signatures_and_bad_ones() {
    let p = Verifier::parse(PETER_VKEY).unwrap();
    let known = std::slice::from_ref(&p);
    let many = format!("{TEXT}\n{}", PETER_SIG.repeat(101));
    assert!(matches!(
        note::open(many.as_bytes(), known),
        Err(NoteError::Malformed(_))
    ));
    assert!(matches!(
        note::open(many.as_bytes(), &[]),
        Err(NoteError::Malformed(_))
    ));
    // PETER_SIG is ASCII after the 3-byte em dash: insert "ABCD" into its base64.
    let bad = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert_eq!(
        note::open(bad.as_bytes(), known),
        Err(NoteError::InvalidSignature {
            name: "PeterNeumann".into(),
            hash: 0xc74f20a3
        })
    );
}

#[test]
fn open_drops_repeated_signatures() {
    let p = Verifier::parse(PETER_VKEY).unwrap();
    let enoch_abcd = format!("{}ABCD{}", &ENOCH_SIG[..60], &ENOCH_SIG[60..]);
    let msg = format!("{TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}{enoch_abcd}");
    let n = note::open(msg.as_bytes(), std::slice::from_ref(&p)).unwrap();
    assert_eq!(n.sigs, vec![peter()]);
    let mut abcd = enoch();
    abcd.base64 = "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5nABCD2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=".into();
    assert_eq!(n.unverified_sigs, vec![enoch(), abcd]);
}

#[test]
fn open_refuses_malformed_notes() {
    let p = Verifier::parse(PETER_VKEY).unwrap();
    let bad: Vec<Vec<u8>> = vec![
        TEXT.into(),
        format!("{TEXT}\n").into(),
        format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]).into(),
        format!("\x01{TEXT}\n{PETER_SIG}").into(),
        [b"\xff".as_slice(), format!("{TEXT}\n{PETER_SIG}").as_bytes()].concat(),
        format!("{TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=").into(),
        format!("{TEXT}\n{PETER_SIG}Unexpected line.\n").into(),
    ];
    for msg in bad {
        assert!(
            matches!(
                note::open(&msg, std::slice::from_ref(&p)),
                Err(NoteError::Malformed(_))
            ),
            "accepted {:?}",
            String::from_utf8_lossy(&msg)
        );
    }
}

#[test]
fn a_signature_by_the_right_name_with_another_key_is_not_ours() {
    // Same name, another key: its hash differs, so it is an unknown signer, and alone it
    // does not verify the note.
    let (other_skey, _) = generate_key("PeterNeumann", [9; 32]).unwrap();
    let msg = note::sign(TEXT, &Signer::parse(&other_skey).unwrap()).unwrap();
    let p = Verifier::parse(PETER_VKEY).unwrap();
    assert!(matches!(
        note::open(&msg, std::slice::from_ref(&p)),
        Err(NoteError::Unverified { .. })
    ));
}
