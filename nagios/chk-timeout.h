/*
 * The plugin's own deadline (-t/--timeout).
 *
 * A libvirt call can block for as long as one guest's monitor does (a
 * SIGSTOPped qemu keeps libvirtd waiting, and libvirt's client retries
 * its reads on EINTR), so a flag the main loop polls is not enough: when
 * SIGALRM fires, the handler writes a line formatted in advance and
 * _exit()s with the chosen state.  write() and _exit() are both
 * async-signal-safe; nothing else is done in the handler.
 */
#ifndef CHK_TIMEOUT_H
#define CHK_TIMEOUT_H

#include <signal.h>

/* Set by the handler before it exits; for code that wants to know. */
extern volatile sig_atomic_t chk_timed_out;

/*
 * Arm the deadline: after seconds (rounded up to whole seconds, at least 1),
 * print "VIRT <STATE> - <what> timed out after N s" and exit with state.
 * what says what was going on ("waiting for libvirt at qemu:///system").
 * 0, or -1 when seconds is out of range.
 */
int chk_timeout_arm(double seconds, int state, const char *what);
/* Change what the timeout line says the plugin was doing. */
void chk_timeout_doing(const char *what);
void chk_timeout_disarm(void);

#endif
