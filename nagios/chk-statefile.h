/*
 * The previous sample of a domain's (or the node's) counters, kept between
 * check runs so rates need no sleep: one small text file per user, per
 * libvirt URI, per domain UUID (or "node"), replaced atomically (write a
 * temporary file in the same directory, then rename) so that two checks
 * of the same domain running at once never read half a file.
 *
 * Times are CLOCK_MONOTONIC seconds, which every process of one boot
 * shares; the boot id is stored with them so a sample from before a
 * reboot is recognised as stale instead of giving a negative interval.
 */
#ifndef CHK_STATEFILE_H
#define CHK_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "vmon-snapshot.h"

/*
 * The directory for this user's files: dir if given, else
 * $VIRTMON_STATE_DIR, $XDG_CACHE_HOME/virtmon, $HOME/.cache/virtmon and
 * finally /tmp/virtmon-UID, the first that exists or can be created, is
 * a directory (not a symlink) owned by us and not writable by others.
 * A malloc'd path, or NULL with err saying why none would do.
 */
char *chk_state_dir(const char *dir, char *err, size_t errlen);

/* dir/<hash of uri>-<object>.state; object is a UUID string or "node". malloc'd. */
char *chk_state_path(const char *dir, const char *uri, const char *object);

/*
 * Read path into prev: a domain file adds one domain (uuid, id and its
 * COUNTER values), a node file fills prev->node's COUNTER values; sets
 * *taken.  Ages are seconds before now, the monotonic time of the sample
 * the rates are for.  A sample older than max_age, younger than min_age
 * (or newer than now), from another boot or another URI counts as absent.
 * 1 when loaded, 0 when absent or stale (why says which), -1 when the file
 * is unreadable or corrupt (why says where).  *age is the sample's age
 * when the file was readable and of this boot and URI, else NAN.
 */
int chk_state_load(const char *path, const char *uri, double now, double min_age, double max_age,
                   struct vmon_snapshot *prev, double *taken, double *age,
                   char *why, size_t whylen);

/*
 * A domain's answering record, whatever the age of its sample: adds the
 * domain to prev with its id, figures_time and unanswered_since, and its
 * counters when the sample is no older than max_age (else no figures).
 * 1 when read, 0 when absent or of another boot or URI, -1 when corrupt.
 */
int chk_state_answering(const char *path, const char *uri, double now, double max_age,
                        struct vmon_snapshot *prev, char *why, size_t whylen);

/*
 * Write dom's counters (dom == NULL: the node's) as sampled in snap, with
 * the wall clock time they were taken.  A domain snap has no figures for
 * (unanswered_since set) keeps the file's earlier sample and records since
 * when.  0 or -1 + err.
 */
int chk_state_save(const char *path, const struct vmon_snapshot *snap,
                   const struct vmon_domain *dom, char *err, size_t errlen);

/* This boot's id ("" when the kernel does not say). */
const char *chk_boot_id(void);

#endif
