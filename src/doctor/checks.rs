//! The table of checks. To add one: write `fn(&Context) -> Vec<Finding>` in its own file
//! under `src/doctor/` and add one line here.

use super::{Context, Finding};

pub type Check = fn(&Context) -> Vec<Finding>;

pub const CHECKS: &[Check] = &[
    super::active::check,
    super::go_path::check,
    super::path::duplicates,
    super::path::missing_system_dirs,
    super::path::relative_entries,
    super::path::relative_library_entries,
    super::path::missing_dirs,
    super::links::check,
    super::modes::check,
    super::startup_files::overwrites_path,
    super::startup_files::duplicate_appends,
    super::startup_files::go_before_block,
    super::setup_block::check,
    super::goenv_checks::goroot,
    super::goenv_checks::gotoolchain,
    super::stale_pin::check,
    super::store::check,
    super::imported::check,
];
