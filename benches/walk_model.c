/* What any shim that picks the version by walking up the tree must pay at the least: the system
 * calls gover-shim makes in the usual case and nothing else (no parsing, no paths built, no
 * environment rewritten), then the execve of the tool. Freestanding like the shim: no libc, no
 * dynamic loader, its own _start.
 *
 * With -DWALK=1: getcwd, then per level from the cwd to `/` one fstatat of each of
 * .go-version, .tool-versions, go.work and go.mod, a chdir("..") between levels (an O_PATH handle
 * on the cwd taken before the first), an fchdir back, then execve(TOOL, argv, envp).
 * With -DWALK=0: only the execve, the floor of any shim that execs.
 *
 * benches/bench.py builds it with -DTOOL='"/path/to/go"' next to the shim rows, so the shim is
 * measured against what its system calls alone cost on the same machine, in the same run. */

#ifndef TOOL
#error "build with -DTOOL='\"/path/to/tool\"'"
#endif

static long sys(long n, long a, long b, long c, long d) {
    long ret;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

enum { SYS_EXIT = 60, SYS_EXECVE = 59, SYS_GETCWD = 79, SYS_CHDIR = 80, SYS_FCHDIR = 81,
       SYS_OPENAT = 257, SYS_NEWFSTATAT = 262 };
#define AT_FDCWD (-100)
#define O_DIRECTORY 0200000
#define O_CLOEXEC 02000000
#define O_PATH 010000000

static char cwd[4096];
static unsigned long stat_buf[18];

void model_main(long *stack) {
    long argc = stack[0];
    char **argv = (char **)(stack + 1);
    char **envp = argv + argc + 1;
#if WALK
    static const char *const names[] = {".go-version", ".tool-versions", "go.work", "go.mod"};
    long len = sys(SYS_GETCWD, (long)cwd, sizeof cwd, 0, 0);
    int levels = 1;
    for (long i = 1; i < len && cwd[i]; i++)
        levels += cwd[i] == '/' && cwd[i - 1] != '/';
    levels += len > 2;
    long start = -1;
    for (int level = 0; level < levels; level++) {
        if (level == 1)
            start = sys(SYS_OPENAT, AT_FDCWD, (long)".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        if (level > 0)
            sys(SYS_CHDIR, (long)"..", 0, 0, 0);
        for (int i = 0; i < 4; i++)
            sys(SYS_NEWFSTATAT, AT_FDCWD, (long)names[i], (long)stat_buf, 0);
    }
    if (start >= 0)
        sys(SYS_FCHDIR, start, 0, 0, 0);
#endif
    sys(SYS_EXECVE, (long)TOOL, (long)argv, (long)envp, 0);
    sys(SYS_EXIT, 127, 0, 0, 0);
}

__asm__(".globl _start\n"
        "_start:\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call model_main\n");
