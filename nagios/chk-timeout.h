/*
 * The plugin's own deadline (-t/--timeout): the whole run, from exec to
 * exit, as the Monitoring Plugins contract has it.
 *
 * A libvirt call can block for as long as one guest's monitor does (a
 * SIGSTOPped qemu keeps libvirtd waiting, and libvirt's client retries
 * its reads on EINTR), so a flag the main loop polls is not enough: when
 * the timer fires, the handler writes a line formatted in advance and
 * _exit()s with the chosen state.  write() and _exit() are both
 * async-signal-safe; nothing else is done in the handler.  The timer
 * signals the main thread only (never one of libvirt's), so the handler
 * and the main thread's phase changes below cannot race.
 *
 * Phases: working (the handler prints the timeout line), printing the
 * result (the handler lets it finish and the exit follows it at once),
 * done (the result is out: the handler exits silently with its state, so
 * closing libvirt connections or unloading modules cannot run past -t).
 */
#ifndef CHK_TIMEOUT_H
#define CHK_TIMEOUT_H

#include <signal.h>

/* Set by the handler before it exits; for code that wants to know. */
extern volatile sig_atomic_t chk_timed_out;

/*
 * Arm the deadline: seconds after this process started (not after this
 * call: start-up counts), print "VIRT <STATE> - timed out after N s
 * <what>" and exit with state.  what says what was going on ("waiting for
 * libvirt at qemu:///system").  0, or -1 when seconds is out of range or
 * no timer could be set.
 */
int chk_timeout_arm(double seconds, int state, const char *what);
/* Change what the timeout line says the plugin was doing. */
void chk_timeout_doing(const char *what);
/* Seconds left before the deadline (HUGE_VAL when none is armed). */
double chk_timeout_remaining(void);
/* The result is about to be written: a deadline passing now waits for it. */
void chk_timeout_printing(void);
/*
 * The result (exit status rc) is out and flushed: exit with rc now if the
 * deadline passed while printing, else at the deadline if cleanup is still
 * running then.
 */
void chk_timeout_printed(int rc);

#endif
