/*
 * A check's command line (nagios/chk-args.c and the check's own options
 * and validation), linked against one check: fuzz/fuzz.sh compiles
 * check_virt_domain.c, check_virt_host.c or check_virt_pool.c with main renamed
 * fuzz_check_main and chk_run renamed fuzz_chk_run, so the check runs
 * exactly as from a shell up to the point where it would collect, and
 * stops there.  Input: the arguments, cut at NUL or newline.
 */
#include <getopt.h>
#include <stdlib.h>

#include "chk-args.h"
#include "chk-output.h"
#include "chk-run.h"
#include "fuzz-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fuzz_check_main(int argc, char **argv);
int fuzz_chk_run(const struct chk_args *a, const struct chk_sample_opts *so, int unreachable_state,
                 chk_evaluate_fn *evaluate, const void *ctx, struct chk_output *out);

/* Where the check would collect: the parsed settings are used, nothing is polled. */
int
fuzz_chk_run(const struct chk_args *a, const struct chk_sample_opts *so, int unreachable_state,
             chk_evaluate_fn *evaluate, const void *ctx, struct chk_output *out)
{
    (void) a, (void) so, (void) evaluate, (void) ctx, (void) out;
    return unreachable_state;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { MAX_ARGS = 64 };
    char *argv[MAX_ARGS + 2], *block;
    static char progname[] = "check_virt";

    argv[0] = progname;
    size_t n = size ? fuzz_split(data, size, argv + 1, MAX_ARGS, &block) : 0;
    if (!size)
        block = NULL;
    argv[n + 1] = NULL;
    optind = 0;   /* glibc: start getopt over, state and all */
    (void) fuzz_check_main((int) n + 1, argv);
    free(block);
    return 0;
}
