#include "chk-run.h"

#include <stdio.h>

#include "chk-timeout.h"

int
chk_run(const struct chk_args *a, const struct chk_sample_opts *so, int unreachable_state,
        chk_evaluate_fn *evaluate, const void *ctx, struct chk_output *out)
{
    struct chk_sample s = { 0 };
    char err[1024] = "";

    chk_args_arm_timeout(a);
    if (chk_sample_collect(so, &s, err, sizeof(err)) < 0) {
        chk_output_state(out, s.libvirt_down ? unreachable_state : CHK_UNKNOWN);
        chk_output_summary(out, "%s", err);
    } else {
        chk_timeout_doing("while evaluating");
        evaluate(ctx, s.snap, out);
        chk_timeout_doing("while saving the state files");
        chk_sample_save(so, &s);
    }
    chk_sample_notes(&s, a->verbose, out);
    /* From here the deadline no longer prints a timeout: the result goes
     * out whole, and closing libvirt's connection (which waits on
     * libvirtd) is cut short at the deadline with the result's state. */
    chk_timeout_printing();
    int rc = chk_output_print(out, stdout);
    fflush(stdout);
    chk_timeout_printed(rc);
    chk_sample_free(&s);
    return rc;
}
