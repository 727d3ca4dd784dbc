/*
 * Sampling from a running virtmond (see common/vmon-serve.h): its latest
 * snapshot, with the rates and window statistics it computed over its own
 * polls.  The check then needs no libvirt connection, no libvirt rights
 * and no state files, and never maps libvirt.
 */
#ifndef CHK_AGENT_H
#define CHK_AGENT_H

#include <stddef.h>

#include "chk-sample.h"

/* Fill s->snap from virtmond at o->agent.  0, or -1 with err (UNKNOWN). */
int chk_agent_collect(const struct chk_sample_opts *o, struct chk_sample *s, char *err,
                      size_t errlen);

#endif
