/* Time several commands run one after another, interleaved run by run (A B C, B C A, C A B, ...)
 * so that a machine that drifts (a shared VM) slows every command alike, unlike hyperfine, which
 * runs all of one command's runs before the next command's.
 *
 * usage: alternate [-i] RUNS WARMUP CMD1 [ARG...] -- CMD2 [ARG...] [-- CMD3 ...]
 * Each command is an absolute path run with execv (no shell, no PATH search); its output goes
 * to /dev/null. Prints, per command, the median wall time of its runs in nanoseconds, one line
 * each, in the order given. Exits non-zero if a command fails or cannot be run; with -i, a
 * command's non-zero exit status is ignored (as hyperfine's -i), though not a signal or a
 * command that cannot be run at all. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMANDS 8

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int ignore_status;

static long long run(char **argv, int devnull) {
    long long start = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        perror("waitpid");
        exit(2);
    }
    long long took = now_ns() - start;
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 127 ||
        (WEXITSTATUS(status) != 0 && !ignore_status)) {
        fprintf(stderr, "alternate: %s failed (status %d)\n", argv[0], status);
        exit(1);
    }
    return took;
}

static int cmp(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-i") == 0) {
        ignore_status = 1;
        argv++;
        argc--;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: alternate [-i] RUNS WARMUP CMD [ARG...] -- CMD [ARG...] ...\n");
        return 2;
    }
    int runs = atoi(argv[1]), warmup = atoi(argv[2]);
    char **commands[MAX_COMMANDS];
    int n = 0;
    commands[n++] = &argv[3];
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            argv[i] = NULL;
            if (n == MAX_COMMANDS || i + 1 >= argc) {
                fprintf(stderr, "alternate: too many or empty commands\n");
                return 2;
            }
            commands[n++] = &argv[i + 1];
        }
    }
    if (runs < 1) {
        fprintf(stderr, "alternate: RUNS must be at least 1\n");
        return 2;
    }
    int devnull = open("/dev/null", O_WRONLY);
    long long *times = calloc((size_t)n * (size_t)runs, sizeof *times);
    if (devnull < 0 || !times) {
        perror("alternate");
        return 2;
    }
    for (int w = 0; w < warmup; w++)
        for (int c = 0; c < n; c++)
            run(commands[c], devnull);
    for (int r = 0; r < runs; r++)
        for (int k = 0; k < n; k++) {
            int c = (r + k) % n;
            times[c * runs + r] = run(commands[c], devnull);
        }
    for (int c = 0; c < n; c++) {
        qsort(&times[c * runs], (size_t)runs, sizeof *times, cmp);
        printf("%lld\n", times[c * runs + runs / 2]);
    }
    return 0;
}
