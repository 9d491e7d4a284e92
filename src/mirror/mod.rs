//! Fleet mirrors (`gover mirror sync DIR`): a directory any static server can serve, in
//! go.dev's layout ([`dist`]) or GOPROXY's ([`goproxy`]).

pub mod dist;
pub mod goproxy;
pub mod sumdb;
