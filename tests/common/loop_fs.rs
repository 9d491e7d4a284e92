//! A real ext4 filesystem on a loop device made by the test, and a simulated power cut of it.
//!
//! The power cut: the test makes ext4 commit its journal (an fsync of a file of its own, which is
//! what the 5-second commit timer does anyway) *without* writing back anyone else's dirty file
//! data, then copies what the block device holds with `O_DIRECT` (what is on the "disk", not the
//! page cache), replays the journal of the copy (`e2fsck -fy`) and mounts it read-only. What the
//! copy shows is what a machine would find after losing power at that moment: names and sizes
//! committed by the journal, file data only where someone synced it (or ext4's `auto_da_alloc`
//! heuristic flushed it). Needs root and loop devices; under `CI=true` their absence fails the
//! test instead of skipping it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// An ext4 image attached to a loop device and mounted.
pub struct LoopFs {
    work: PathBuf,
    device: String,
    pub mount: PathBuf,
}

/// Whether this process runs as root (effective uid 0).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "{program} {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// `None` (after saying why) when the test cannot make a loop device; a panic instead under CI.
fn unavailable(why: String) -> Option<LoopFs> {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("power-cut tests need root and loop devices in CI: {why}");
    }
    eprintln!("skipped: power-cut tests need root and loop devices: {why}");
    None
}

impl LoopFs {
    /// A fresh 96 MiB ext4 image under `work` (created), mounted at `mount` (created) with the
    /// extra mount `options` (e.g. `noauto_da_alloc`; empty for ext4's defaults).
    pub fn mount(work: &Path, mount: &Path, options: &str) -> Option<LoopFs> {
        if !is_root() {
            return unavailable("not running as root".into());
        }
        std::fs::create_dir_all(work).expect("create the image dir");
        std::fs::create_dir_all(mount).expect("create the mount point");
        let image = work.join("disk.img");
        std::fs::File::create(&image)
            .and_then(|f| f.set_len(96 << 20))
            .expect("create the image file");
        let image_s = image.to_str().expect("UTF-8 temp path");
        if let Err(e) = run("mkfs.ext4", &["-q", "-F", image_s]) {
            return unavailable(e);
        }
        let device = match run("losetup", &["-f", "--show", image_s]) {
            Ok(d) => d,
            Err(e) => return unavailable(e),
        };
        let mut mount_args = vec!["-t", "ext4"];
        if !options.is_empty() {
            mount_args.extend(["-o", options]);
        }
        let mount_s = mount.to_str().expect("UTF-8 temp path");
        mount_args.extend([device.as_str(), mount_s]);
        if let Err(e) = run("mount", &mount_args) {
            let _ = run("losetup", &["-d", &device]);
            return unavailable(e);
        }
        Some(LoopFs {
            work: work.to_owned(),
            device,
            mount: mount.to_owned(),
        })
    }

    /// Write everything on the filesystem to the disk (`sync -f`).
    pub fn sync(&self) {
        run("sync", &["-f", self.mount.to_str().unwrap()]).expect("sync the filesystem");
    }

    /// Cut the power now (see the module doc) and return the filesystem as it comes back,
    /// mounted read-only at `<work>/after`.
    pub fn power_cut(&self) -> CrashImage {
        self.cut("ro")
    }

    /// [`LoopFs::power_cut`], the image mounted read-write: the machine that comes back goes
    /// on working on it.
    pub fn power_cut_writable(&self) -> CrashImage {
        self.cut("rw")
    }

    fn cut(&self, mode: &str) -> CrashImage {
        // Commit the journal the way the commit timer would: fsync a file of our own.
        let barrier = self.mount.join(".power-cut-barrier");
        std::fs::File::create(&barrier)
            .and_then(|f| f.sync_all())
            .expect("fsync the barrier file");
        let copy = self.work.join("after.img");
        run(
            "dd",
            &[
                &format!("if={}", self.device),
                &format!("of={}", copy.display()),
                "iflag=direct",
                "bs=1M",
                "status=none",
            ],
        )
        .expect("copy the device");
        // Exit 1 means "errors corrected" (the journal replayed): expected after a power cut.
        let fsck = Command::new("e2fsck")
            .args(["-fy", copy.to_str().unwrap()])
            .output()
            .expect("run e2fsck");
        assert!(
            matches!(fsck.status.code(), Some(0 | 1)),
            "e2fsck could not repair the image: {}",
            String::from_utf8_lossy(&fsck.stdout)
        );
        let after = self.work.join("after");
        std::fs::create_dir_all(&after).unwrap();
        run(
            "mount",
            &[
                "-t",
                "ext4",
                "-o",
                &format!("loop,{mode}"),
                copy.to_str().unwrap(),
                after.to_str().unwrap(),
            ],
        )
        .expect("mount the image as it came back");
        CrashImage { root: after }
    }

    /// Where `path` (under the live mount) is found in a [`CrashImage`].
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.mount)
            .expect("the path is on the loop filesystem")
    }
}

impl Drop for LoopFs {
    fn drop(&mut self) {
        let _ = run("umount", &["-l", self.mount.to_str().unwrap_or_default()]);
        let _ = run("losetup", &["-d", &self.device]);
    }
}

/// The filesystem after a power cut, mounted read-only; unmounted when dropped.
pub struct CrashImage {
    pub root: PathBuf,
}

impl CrashImage {
    /// `rel` (a path relative to the filesystem's root) in the image.
    pub fn path(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }
}

impl Drop for CrashImage {
    fn drop(&mut self) {
        // `mount -o loop` set up the device with autoclear: unmounting releases it too.
        let _ = run("umount", &[self.root.to_str().unwrap_or_default()]);
    }
}
