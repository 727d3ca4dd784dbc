/* What a face may ask the hypervisor to do to a domain. */
#ifndef VMON_ACTION_H
#define VMON_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum vmon_action {
    VMON_ACTION_NONE,
    VMON_ACTION_START,
    VMON_ACTION_SHUTDOWN,
    VMON_ACTION_REBOOT,
    VMON_ACTION_RESET,
    VMON_ACTION_DESTROY,
    VMON_ACTION_SUSPEND,
    VMON_ACTION_RESUME,
    VMON_ACTION_START_PAUSED,  /* start with the vCPUs paused; allowed with start */
    VMON_ACTION__N
};

enum vmon_action_status {
    VMON_ACTION_OK,            /* done (or, for shutdown/reboot, the guest obeyed) */
    VMON_ACTION_PENDING,       /* asked the guest; waiting to see it act */
    VMON_ACTION_IGNORED,       /* the guest did not act within shutdown-timeout */
    VMON_ACTION_REFUSED,       /* not allowed by configuration */
    VMON_ACTION_INVALID,       /* makes no sense in the domain's state */
    VMON_ACTION_NOT_FOUND,     /* no such domain */
    VMON_ACTION_FAILED,        /* libvirt said no */
    VMON_ACTION_STATUS__N
};

struct vmon_action_result {
    enum vmon_action action;
    enum vmon_action_status status;
    time_t when;
    char message[256];
};

const char *vmon_action_name(enum vmon_action a);
/* Whether the allowed set (1u << enum vmon_action bits) permits action. */
bool vmon_action_allowed(unsigned allowed, enum vmon_action action);
/* Whether action would be allowed and valid in state, without running it. */
enum vmon_action_status vmon_action_check(unsigned allowed, enum vmon_action action, int state);
/* -1 when name is no action */
int vmon_action_from_name(const char *name);
const char *vmon_action_status_name(enum vmon_action_status s);
/* -1 when name is no status */
int vmon_action_status_from_name(const char *name);

/*
 * Sets of actions, as bits (1u << enum vmon_action), written as a
 * configuration says them: "start,shutdown", "all", "none".  parse: 0, or
 * -1 with vmon_error_last() naming the word it did not know.  format:
 * "none" for the empty set; returns buf.
 */
int vmon_actions_parse(const char *text, unsigned *mask);
const char *vmon_actions_format(unsigned mask, char *buf, size_t size);

#endif
