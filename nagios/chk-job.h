/*
 * A domain's job (a save, dump, migration, backup...) as check_virt_domain
 * says it, "saving 45%, 3 min left", and --job-time-warning/critical: how
 * long it may run, in seconds, as standard ranges.
 */
#ifndef CHK_JOB_H
#define CHK_JOB_H

#include <stdbool.h>

#include "chk-buf.h"
#include "vmon-perfdata.h"
#include "vmon-snapshot.h"

/* Whether the domain has a job running now. */
bool chk_job_running(const struct vmon_domain *d);
/*
 * ", saving 45%, 3 min left" onto why for a domain with a job, its elapsed
 * time judged against th (NULL or none set: not judged), and a job_time
 * perfdata item in seconds when perf is given.  Returns CHK_OK, CHK_WARNING
 * or CHK_CRITICAL; CHK_OK without a job.
 */
int chk_job_eval(const struct vmon_domain *d, const struct vmon_thresholds *th,
                 struct chk_buf *why, struct vmon_perfdata *perf, const char *prefix);

#endif
