/*
 * Loading the parts of virtmon that link libvirt, for programs that should
 * not pay for libvirt (and its ~60 libraries, ~13 MiB resident) unless they
 * poll it themselves: the Nagios checks and the SNMP subagent.
 */
#ifndef VMON_MODULE_H
#define VMON_MODULE_H

#include <stddef.h>

/*
 * The address of symbol in module file (e.g. "virtmon-poller.so"), looked
 * for in each directory of $VIRTMON_MODULE_DIR (colon-separated; the build
 * tree's tests set it, a set-id process ignores it), else where virtmon
 * installed it.  NULL with err naming the file and dlerror()'s reason.
 * Never unloaded: a poll abandoned on a frozen guest may still run in it.
 */
void *vmon_module_symbol(const char *file, const char *symbol, char *err, size_t errlen);

#endif
