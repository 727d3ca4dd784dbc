/*
 * Loading virtmon-poller.so, the one part of virtmon that links libvirt, so
 * that no face pays for libvirt (its ~60 libraries, ~13 MiB resident) unless
 * it polls libvirt itself (vmon-source.h).
 */
#ifndef VMON_MODULE_H
#define VMON_MODULE_H

/*
 * The ops table named symbol in module file (e.g. "virtmon-poller.so"),
 * looked for in each directory of $VIRTMON_MODULE_DIR (colon-separated; a
 * set-id process ignores it), else in the build tree when the program runs
 * from the tree it was built in, else where virtmon installed it.  Every such table starts with `unsigned abi`, which
 * must equal abi: a module from another build is refused.  NULL with
 * vmon_error_last() naming the file, the reason, and what the module is
 * for (purpose).
 * Never unloaded: a poll abandoned on a frozen guest may still run in it.
 */
const void *vmon_module_ops(const char *file, const char *symbol, unsigned abi,
                            const char *purpose);

#endif
