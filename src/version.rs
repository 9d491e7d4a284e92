//! Go's release-name grammar and ordering, and version requests (`1.22`, `latest`): defined in
//! [`gover_core::version`] (shared with the shim), plus the CLI's error for a bad SPEC.

pub use gover_core::version::{
    GoName, GoVersion, InvalidRequest, InvalidVersion, PreKind, VersionRequest,
};

/// A SPEC given on the command line that is not a version request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a Go version request")]
pub struct ParseRequestError {
    pub input: String,
}

/// Parse a SPEC typed by the user (see [`VersionRequest::parse`]).
pub fn parse_request(input: &str) -> Result<VersionRequest, ParseRequestError> {
    VersionRequest::parse(input).map_err(|_| ParseRequestError {
        input: input.to_string(),
    })
}
