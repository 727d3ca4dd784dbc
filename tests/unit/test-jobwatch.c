/*
 * Which domains a poll asks for their job (vmon-jobs.c): those a job event
 * named, and those that had a job at the poll before, until they report
 * none; one asked whose answer never came is asked again.
 */
#include <string.h>

#include "tap.h"
#include "vmon-collect-priv.h"
#include "vmon-util.h"

static struct vmon_domain doms[3];

static void
setup(void)
{
    for (int i = 0; i < 3; i++) {
        memset(&doms[i], 0, sizeof(doms[i]));
        doms[i].uuid[0] = (unsigned char) (i + 1);
        doms[i].id = i + 1;
    }
}

/* the poll's answers: job type t[i] for domain i, -1 for no answer */
static void
answer(const int t[3])
{
    for (int i = 0; i < 3; i++) {
        memset(&doms[i].m[VMON_DOM_JOB_TYPE], 0, sizeof(doms[i].m[0]));
        if (t[i] >= 0)
            vmon_value_set(&doms[i].m[VMON_DOM_JOB_TYPE], (uint64_t) t[i]);
    }
}

DEF_TEST(watch)
{
    struct vmon_jobwatch *w = vmon_jobwatch_new();

    setup();
    bool *ask = vmon_jobwatch_begin(w, doms, 3);
    EXPECT(!ask[0] && !ask[1] && !ask[2]);          /* nothing known: nobody asked */
    answer((int[]) { 0, VMON_JOB_UNBOUNDED, 0 });    /* domain 1's reason said "saving" */
    vmon_jobwatch_end(w, doms, 3, ask);
    free(ask);

    vmon_jobwatch_told(w, doms[2].uuid);             /* a migration iteration event */
    ask = vmon_jobwatch_begin(w, doms, 3);
    EXPECT(!ask[0] && ask[1] && ask[2]);
    answer((int[]) { 0, VMON_JOB_NONE, -1 });         /* 1's job ended; 2's slice gave up */
    vmon_jobwatch_end(w, doms, 3, ask);
    free(ask);

    ask = vmon_jobwatch_begin(w, doms, 3);
    EXPECT_MSG(!ask[0] && !ask[1] && ask[2], "a job that ended is no longer asked; an unanswered one is");
    answer((int[]) { 0, 0, VMON_JOB_BOUNDED });
    vmon_jobwatch_end(w, doms, 3, ask);
    free(ask);

    vmon_jobwatch_forget(w);                          /* a new connection */
    ask = vmon_jobwatch_begin(w, doms, 3);
    EXPECT(!ask[0] && !ask[1] && !ask[2]);
    free(ask);
    vmon_jobwatch_free(w);
}

int
main(void)
{
    RUN_TEST(watch);
    return TAP_END();
}
