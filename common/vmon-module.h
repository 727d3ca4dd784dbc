/*
 * Loading the parts of virtmon that link libvirt, for programs that should
 * not pay for libvirt (and its ~60 libraries, ~13 MiB resident) unless they
 * poll it themselves: the Nagios checks and the SNMP subagent.
 */
#ifndef VMON_MODULE_H
#define VMON_MODULE_H

#include <stddef.h>

/*
 * The ops table named symbol in module file (e.g. "virtmon-poller.so"),
 * looked for in each directory of $VIRTMON_MODULE_DIR (colon-separated; the
 * build tree's tests set it, a set-id process ignores it), else where
 * virtmon installed it.  Every such table starts with `unsigned abi`, which
 * must equal abi: a module from another build is refused.  NULL with err
 * naming the file, the reason, and what the module is for (purpose).
 * Never unloaded: a poll abandoned on a frozen guest may still run in it.
 */
const void *vmon_module_ops(const char *file, const char *symbol, unsigned abi,
                            const char *purpose, char *err, size_t errlen);

#endif
