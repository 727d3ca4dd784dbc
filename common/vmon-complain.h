/*
 * Logs a sysadmin can read: a trouble that repeats (libvirt gone, virtmond
 * gone, notifications failing) is logged once, with a count, and once when
 * it ends; a burst of events (lifecycle events, actions) is summed up in
 * one line instead of a line each.  The pattern is collectd's
 * c_complain/c_release; the daemons log through a function of their own
 * (stderr, net-snmp's log, collectd's), so these only decide what to say
 * and when.  Neither object locks: a caller that uses one from several
 * threads holds its own lock around it.
 */
#ifndef VMON_COMPLAIN_H
#define VMON_COMPLAIN_H

#include <stdbool.h>
#include <stddef.h>

/* One whole line (no newline) at a syslog priority (LOG_ERR...). */
typedef void vmon_log_fn(int priority, const char *line);

/* A lasting trouble is said again at most this often, in seconds ... */
#define VMON_COMPLAIN_QUIET 60.0
/* ... and at most this many episodes of one are said in full in that
 * time; more (flapping) are summed up in one line. */
#define VMON_COMPLAIN_FULL 2

struct vmon_complaint {
    bool active;            /* the trouble is on now */
    bool said;              /* ... and this episode of it was logged */
    bool pending;           /* episodes not logged (flapping), the last one over */
    double since;           /* when the episode began (vmon_now_mono()) */
    double last_line;       /* when a line about it was logged */
    double said_at[VMON_COMPLAIN_FULL];  /* starts said in full, oldest first; 0: none */
    unsigned long times;    /* occurrences since the last line */
    unsigned long episodes; /* episodes begun since the last line */
    char ended[512];        /* the pending end's line */
};
#define VMON_COMPLAINT_INIT { 0 }

/*
 * The trouble happened (again): the first time it is logged; while it
 * lasts, it is counted and said again, with the count, at most every
 * VMON_COMPLAIN_QUIET seconds.  An episode that begins when
 * VMON_COMPLAIN_FULL were said within that time is counted, not logged,
 * and vmon_complaint_tick() sums them up.
 */
void vmon_complain(struct vmon_complaint *c, vmon_log_fn *log, int priority, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
/*
 * The trouble is over (call it as often as things go well; only the first
 * call after a complaint counts): logged with how long it lasted, or, if
 * the last line about it is too recent, kept for vmon_complaint_tick().
 */
void vmon_complain_release(struct vmon_complaint *c, vmon_log_fn *log, int priority,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Call now and then (each second or so): logs a kept end once its time has come. */
void vmon_complaint_tick(struct vmon_complaint *c, vmon_log_fn *log, int priority);
/* The same before the daemon stops: a kept end now. */
void vmon_complaint_flush(struct vmon_complaint *c, vmon_log_fn *log, int priority);

/* Events of a burst logged one by one, at most, in each window ... */
#define VMON_BURST_SHOWN 5
/* ... of this many seconds; the rest are summed up when it closes. */
#define VMON_BURST_WINDOW 10.0
#define VMON_BURST_KINDS 16

struct vmon_burst {
    const char *what;               /* "lifecycle events" */
    double start;                   /* the open window's start; 0: none */
    double last;                    /* the latest event */
    bool summed;                    /* the last window closed with a summary */
    unsigned shown;                 /* logged one by one in this window */
    unsigned long total;            /* events in this window */
    size_t nkinds;
    struct {
        char name[48];
        unsigned long n;
    } kinds[VMON_BURST_KINDS];
    unsigned long other;            /* of kinds beyond the table */
};
#define VMON_BURST_INIT(name) { .what = (name) }

/*
 * One event of the given kind ("defined", "suspend ok"): true when the
 * caller should log it itself, false when it is only counted for the
 * window's summary.  While a burst goes on (the last window needed a
 * summary too), nothing is logged one by one.
 */
bool vmon_burst_add(struct vmon_burst *b, vmon_log_fn *log, int priority, const char *kind);
/* Call now and then: closes a window whose time is over, with its summary
 * ("1000 lifecycle events in 10 s (5 logged one by one): 500 defined,
 * 500 undefined") when it held back any. */
void vmon_burst_tick(struct vmon_burst *b, vmon_log_fn *log, int priority);
/* The same before the daemon stops: the open window's summary now. */
void vmon_burst_flush(struct vmon_burst *b, vmon_log_fn *log, int priority);

#endif
