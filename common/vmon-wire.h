/*
 * A snapshot as text, and back: how a running virtmon daemon hands its
 * latest poll to a short-lived client (a Nagios check) that should not pay
 * for loading libvirt on every run.  Everything a face reads from a
 * snapshot survives the round trip: node, health, every domain with its
 * metrics (value, rate, which of them are present), window statistics,
 * vCPUs, disks and NICs.  Numbers are written and read in the C locale
 * whatever the process's locale; names and paths are escaped, so any
 * domain name libvirt accepts comes back byte for byte.
 *
 * Knows nothing of libvirt: a client links only the snapshot half of the core.
 */
#ifndef VMON_WIRE_H
#define VMON_WIRE_H

#include <stddef.h>
#include <stdio.h>

#include "vmon-action.h"
#include "vmon-event.h"
#include "vmon-snapshot.h"

/*
 * Write snap to f.  only: NULL for every domain, else the one domain with
 * that exact name or UUID (none when there is no such domain; the node,
 * health and pools are always written).  0, or -1 when writing failed.
 */
int vmon_wire_write(FILE *f, const struct vmon_snapshot *snap, const char *only);

/*
 * Read one snapshot written by vmon_wire_write.  A new snapshot with one
 * reference, or NULL with err naming the line and what was wrong with it
 * (truncated input, unknown version, a malformed number).  Unknown metric
 * names are skipped, so a newer daemon can talk to an older check.
 */
struct vmon_snapshot *vmon_wire_read(FILE *f, char *err, size_t errlen);

/*
 * Strings as the wire writes them: in double quotes, with \\ \" \n \r \t
 * and \xHH escapes for the other control bytes ('-' unquoted for NULL).
 * A request line that names a domain uses the same form, so any name
 * survives it.  write: 0 or -1.  parse: text must start with '"'; a
 * malloc'd copy with *end (when end is not NULL) just past the closing
 * quote, or NULL on a bad escape or a missing quote.
 */
int vmon_wire_write_string(FILE *f, const char *s);
char *vmon_wire_parse_string(const char *text, const char **end);

/*
 * One event as one line, for virtmond's "events" stream:
 *
 *   event TYPE WHEN EVENT DETAIL STATE NAME UUID MESSAGE
 *
 * TYPE is vmon_event_type_name()'s word, NAME, UUID and MESSAGE quoted
 * strings.  vmon_wire_parse_event() takes one such line (without its
 * newline; modified in place): 0, or -1 with err saying what is wrong.
 */
int vmon_wire_write_event(FILE *f, const struct vmon_event *ev);
int vmon_wire_parse_event(char *line, struct vmon_event *ev, char *err, size_t errlen);

/*
 * What virtmond answers to "action ..." and "last-action ..." (vmon-serve.h):
 *
 *   action-result ACTION STATUS WHEN MESSAGE
 *
 * ACTION and STATUS as vmon_action_name() and vmon_action_status_name()
 * say them, WHEN in seconds since the epoch, MESSAGE quoted.  parse takes
 * one such line without its newline (modified in place): 0, or -1 with err.
 */
int vmon_wire_write_action_result(FILE *f, const struct vmon_action_result *res);
int vmon_wire_parse_action_result(char *line, struct vmon_action_result *res, char *err,
                                  size_t errlen);


#endif
