//! What a program without libc must provide itself: the `_start` entry point, the panic
//! handler, and the `mem*` functions the compiler emits calls to.

use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use super::process::Process;

core::arch::global_asm!(
    ".globl _start",
    "_start:",
    // The outermost frame: no return address, no frame pointer.
    "xor ebp, ebp",
    // The kernel's initial stack pointer (argc, argv…, envp…) is the argument.
    "mov rdi, rsp",
    "and rsp, -16",
    "call {entry}",
    "ud2",
    entry = sym entry,
);

/// The process, for the panic handler's hand-over.
static PROCESS: AtomicPtr<Process> = AtomicPtr::new(core::ptr::null_mut());

unsafe extern "C" fn entry(sp: *const usize) -> ! {
    // SAFETY: `_start` passes the kernel's initial stack pointer.
    let mut process = unsafe { Process::from_stack(sp) };
    // `entry` never returns, so `process` lives as long as the process.
    PROCESS.store(&mut process, Ordering::Relaxed);
    super::main(&process)
}

/// A bug in the shim must not cost the user their `go` call: hand it to `gover __shim` once,
/// which resolves on std and reports any real problem.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    static PANICKED: AtomicBool = AtomicBool::new(false);
    let process = PROCESS.load(Ordering::Relaxed);
    if !process.is_null() && !PANICKED.swap(true, Ordering::Relaxed) {
        // SAFETY: set once in `entry` to a value that outlives every caller.
        super::hand_over(unsafe { &*process })
    }
    super::sys::write_stderr(b"gover: internal error in gover-shim\n");
    super::sys::exit(70)
}

/// libcore is precompiled with unwind tables that name this symbol; nothing unwinds here
/// (panics abort).
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

// The crate is `no_builtins`, so these loops stay loops instead of becoming calls to
// themselves.

#[unsafe(no_mangle)]
unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    for i in 0..n {
        // SAFETY: the caller passes `n` valid, non-overlapping bytes.
        unsafe { *dest.add(i) = *src.add(i) };
    }
    dest
}

#[unsafe(no_mangle)]
unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dest as usize) <= (src as usize) {
        for i in 0..n {
            // SAFETY: the caller passes `n` valid bytes; copying forwards is safe when dest <= src.
            unsafe { *dest.add(i) = *src.add(i) };
        }
    } else {
        for i in (0..n).rev() {
            // SAFETY: as above, backwards when dest > src.
            unsafe { *dest.add(i) = *src.add(i) };
        }
    }
    dest
}

#[unsafe(no_mangle)]
unsafe extern "C" fn memset(dest: *mut u8, byte: i32, n: usize) -> *mut u8 {
    for i in 0..n {
        // SAFETY: the caller passes `n` writable bytes.
        unsafe { *dest.add(i) = byte as u8 };
    }
    dest
}

#[unsafe(no_mangle)]
unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    for i in 0..n {
        // SAFETY: the caller passes `n` readable bytes on each side.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
    }
    0
}

#[unsafe(no_mangle)]
unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: same contract as memcmp.
    unsafe { memcmp(a, b, n) }
}
