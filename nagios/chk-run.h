/*
 * The end of every check's main(), in the Monitoring Plugins shape:
 * arm -t, collect, evaluate, print once with the worst state.
 */
#ifndef CHK_RUN_H
#define CHK_RUN_H

#include "chk-args.h"
#include "chk-output.h"
#include "chk-sample.h"

typedef void chk_evaluate_fn(const void *ctx, const struct vmon_snapshot *snap,
                             struct chk_output *out);

/*
 * Collect with so, then evaluate(ctx, snap, out) and print.  A failed
 * collection is UNKNOWN, or unreachable_state when libvirt itself did not
 * answer.  Returns the exit code.
 */
int chk_run(const struct chk_args *a, const struct chk_sample_opts *so, int unreachable_state,
            chk_evaluate_fn *evaluate, const void *ctx, struct chk_output *out);

#endif
