//! Real responses of sum.golang.org (published in public documents and tests), checked with the
//! real key: its tree heads verify and parse, a real lookup response parses into its record and
//! tree, and any change to one is refused.

use gover_sumdb::note::{self, NoteError, Verifier};
use gover_sumdb::tlog::{self, Hash};

const KEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

/// (tree size, root hash, signature) of tree heads sum.golang.org signed.
const HEADS: &[(u64, &str, &str)] = &[
    (
        3935567,
        "SapHtgdNCeF00Cx8kqztePV24kgzNg++Xovae42HAMw=",
        "Az3grsm7Wm4CVNR1RHq9BFnu9jzcRlU2uw7lr0gfUWgO6+rqPNjT+fUTl9gH0NRTgdwW9nItuQSMbhSaLCsk8YeYSAs=",
    ),
    (
        6476701,
        "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=",
        "Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=",
    ),
    (
        15067302,
        "gJyioq6dwR9n+NjEWORfYmH+ubeYm3kH42BBQ0bTpYI=",
        "Az3grp1rvWOs5NKlr/xR4GLN/CDyzzakmt1o61uSxYKpK1SerqOP2ClbX/peKUZjYnyomH5Xz7GZG3TpB7OeKn4E2ww=",
    ),
    (
        19777102,
        "+g50vJoV4VVGa6aiQF3LYGUZHEP4pvGkW38vlR7WKtU=",
        "Az3griMTLHyRzj7jMuyEt85a2JnegVME6Lx3xLEBdzTd3FMDiD5y3bHV24rcl0yijOtWxV0zyygwTdo/rnaennuoqgU=",
    ),
    (
        28891140,
        "++pUIeKTwGvykMUkmM3AT97PwQipMT6H/p7t86E0Sp0=",
        "Az3grqNvOILDz7xwAKugtVFZwd+I9IyB/mHrUYzcVaS9zKsRVdRLNGLFpnAcLhyoBBkdIYEzK/+7Eu4wanYttLrPsQo=",
    ),
    (
        52544510,
        "+TGlZfnTizQCJgyZR56QixD8+X4dd8Wefy8U1w6k0Ig=",
        "Az3grn6d1PSjcypDf9bfcFVU5fvJB7VkLc0MAbz8jqeQVnSbAj9pKcsB5dJt5VdswPDUtiFar5LPRBu+uEQAT1CDfAc=",
    ),
    (
        65209736,
        "5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=",
        "Az3grnbssgK7ubgFX36gVETtNv0U23qxyAhAMai2QUfeGa3nB/akvkMdlUErfcZz7l/R3cVtYspg3dxXABkGZZKdsQ8=",
    ),
];

fn signed(n: u64, hash: &str, sig: &str) -> String {
    format!("go.sum database tree\n{n}\n{hash}\n\n\u{2014} sum.golang.org {sig}\n")
}

#[test]
fn real_tree_heads_verify_with_the_real_key() {
    let key = Verifier::parse(KEY).unwrap();
    for &(n, hash, sig) in HEADS {
        let opened = note::open(signed(n, hash, sig).as_bytes(), std::slice::from_ref(&key))
            .unwrap_or_else(|e| panic!("tree {n}: {e}"));
        let tree = tlog::parse_tree(opened.text.as_bytes()).unwrap();
        assert_eq!((tree.n, tree.hash), (n, Hash::parse(hash).unwrap()));
    }
}

#[test]
fn a_changed_real_tree_head_is_refused() {
    let key = Verifier::parse(KEY).unwrap();
    let (n, hash, sig) = HEADS[0];
    for forged in [signed(n + 1, hash, sig), signed(n, HEADS[1].1, sig)] {
        assert!(matches!(
            note::open(forged.as_bytes(), std::slice::from_ref(&key)),
            Err(NoteError::InvalidSignature {
                hash: 0x033de0ae,
                ..
            })
        ));
    }
}

#[test]
fn a_real_tree_head_with_a_witness_cosignature_verifies() {
    // A witness added its own signature line; ours is the one that counts.
    let (n, hash, sig) = HEADS[2];
    let msg = format!(
        "{}\u{2014} test.example.com qTGhC/xIPQ0AXKHK6Y+9ypRfuvMZWPjRXM8NiOg5M1WREn07VQXyuIXM3NRNav3ieVFLUqDRK77PWDmL6w8w84UqeAw=\n",
        signed(n, hash, sig)
    );
    let key = Verifier::parse(KEY).unwrap();
    let opened = note::open(msg.as_bytes(), std::slice::from_ref(&key)).unwrap();
    assert_eq!(opened.sigs.len(), 1);
    assert_eq!(opened.unverified_sigs[0].name, "test.example.com");
}

#[test]
fn a_real_lookup_response_parses_into_record_and_signed_tree() {
    let (n, hash, sig) = HEADS[0];
    let response = format!(
        "2580307\n\
         github.com/google/uuid v1.2.0 h1:qJYtXnJRWmpe7m/3XlyhrsLrEURqHRM2kxzoxXqyUDs=\n\
         github.com/google/uuid v1.2.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n\
         \n{}",
        signed(n, hash, sig)
    );
    let (id, text, tree_note) = tlog::parse_record(response.as_bytes()).unwrap();
    assert_eq!(id, 2580307);
    assert!(text.starts_with(b"github.com/google/uuid v1.2.0 h1:"));
    let key = Verifier::parse(KEY).unwrap();
    let opened = note::open(tree_note, std::slice::from_ref(&key)).unwrap();
    assert_eq!(tlog::parse_tree(opened.text.as_bytes()).unwrap().n, n);
    assert!(id < n);
}
