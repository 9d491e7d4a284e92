//! `gover which [TOOL]`: the real binary a shim would run here.

use crate::cli::WhichArgs;
use crate::error::Error;
use crate::home::Home;
use crate::resolve;

pub fn run(args: WhichArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let version = resolve::active_here(&home)?.installed(&home)?;
    let path = home.tool_path(&version, &args.tool);
    if !path.is_file() {
        return Err(Error::NoSuchTool {
            name: args.tool,
            version: version.to_string(),
            path,
        });
    }
    if args.json {
        let value = serde_json::json!({
            "tool": args.tool,
            "version": version.to_string(),
            "path": path.display().to_string(),
        });
        return super::print(&super::to_json(&value));
    }
    super::print(&format!("{}\n", path.display()))
}
