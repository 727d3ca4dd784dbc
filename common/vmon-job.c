/*
 * Domain jobs (save, dump, migration, backup...) as the faces name them,
 * and which state reasons mean one is running.  The numbers are libvirt's
 * (virDomainJobOperation, virDomainPausedReason, virDomainRunningReason);
 * this half of the core does not include libvirt's headers.
 */
#include <stdbool.h>

#include "vmon-snapshot.h"
#include "vmon-util.h"

const char *
vmon_job_operation_doing(int op)
{
    static const char *const doing[] = {
        "in a job", "starting", "saving", "restoring", "migrating in", "migrating",
        "taking a snapshot", "reverting to a snapshot", "dumping", "backing up",
        "deleting a snapshot",
    };

    return op >= 0 && (unsigned) op < VMON_ARRAY_SIZE(doing) ? doing[op] : "in a job";
}

bool
vmon_job_reason_has_job(int state, int reason)
{
    enum {
        PAUSED_MIGRATION = 2, PAUSED_SAVE = 3, PAUSED_DUMP = 4, PAUSED_SNAPSHOT = 9,
        PAUSED_STARTING_UP = 11, PAUSED_POSTCOPY = 12, RUNNING_POSTCOPY = 10,
    };

    if (state == VMON_STATE_PAUSED)
        return reason == PAUSED_MIGRATION || reason == PAUSED_SAVE || reason == PAUSED_DUMP ||
               reason == PAUSED_SNAPSHOT || reason == PAUSED_STARTING_UP ||
               reason == PAUSED_POSTCOPY;
    return state == VMON_STATE_RUNNING && reason == RUNNING_POSTCOPY;
}
