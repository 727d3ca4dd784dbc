/* Small helpers every core file uses: allocation that aborts, cleanup, errors. */
#ifndef VMON_UTIL_H
#define VMON_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define VMON_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Out of memory is not a condition an agent recovers from: abort loudly. */
void *vmon_alloc(size_t size);                       /* zeroed */
void *vmon_realloc_array(void *p, size_t n, size_t size);
char *vmon_strdup(const char *s);                    /* NULL stays NULL */
void vmon_strset(char **slot, const char *s);        /* *slot freed, then a copy of s */
char *vmon_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The strings a kind of object owns, as the offsets of its char * members:
 * one list that its clear, its copy and the free of an array of it all
 * walk, so a string added to the list is freed and copied alike.
 * VMON_STRINGS(pool_strings, struct vmon_pool, name, type, path) defines
 * the static list pool_strings, of one to six members.
 */
struct vmon_strings {
    const size_t *at;
    size_t n;
};
#define VMON_STRINGS(name, T, ...) \
    static const struct vmon_strings name = { \
        (const size_t[]) { VMON_OFFSETS_(T, __VA_ARGS__) }, \
        VMON_ARRAY_SIZE(((const size_t[]) { VMON_OFFSETS_(T, __VA_ARGS__) })) }
/* offsetof(T, m) for each of one to six members m */
#define VMON_OFFSETS_(T, ...) VMON_PICK7_(__VA_ARGS__, VMON_OFF6_, VMON_OFF5_, VMON_OFF4_, \
                                          VMON_OFF3_, VMON_OFF2_, VMON_OFF1_, -)(T, __VA_ARGS__)
#define VMON_PICK7_(a, b, c, d, e, f, g, ...) g
#define VMON_OFF1_(T, a) offsetof(T, a)
#define VMON_OFF2_(T, a, ...) offsetof(T, a), VMON_OFF1_(T, __VA_ARGS__)
#define VMON_OFF3_(T, a, ...) offsetof(T, a), VMON_OFF2_(T, __VA_ARGS__)
#define VMON_OFF4_(T, a, ...) offsetof(T, a), VMON_OFF3_(T, __VA_ARGS__)
#define VMON_OFF5_(T, a, ...) offsetof(T, a), VMON_OFF4_(T, __VA_ARGS__)
#define VMON_OFF6_(T, a, ...) offsetof(T, a), VMON_OFF5_(T, __VA_ARGS__)
void vmon_strings_free(void *obj, const struct vmon_strings *s);
void vmon_strings_dup(void *obj, const struct vmon_strings *s);   /* each replaced by its copy */
/* n items of size bytes: each one's strings freed, then the array (NULL is fine) */
void vmon_strings_array_free(void *items, size_t n, size_t size, const struct vmon_strings *s);
/*
 * Reference counts of objects shared across threads (snapshots, parsed
 * domain XML): vmon_ref_put is true for the caller that dropped the last.
 */
void vmon_ref_get(int *refs);
bool vmon_ref_put(int *refs);
/*
 * names[i] of a table indexed by one of libvirt's enums, or "unknown" when i
 * is past the table or its slot is NULL (a newer libvirt's value, a row
 * padded to a common width).
 */
const char *vmon_name_at(const char *const *names, size_t n, long i);
/* open_memstream(): text and len are set when the stream is closed. */
FILE *vmon_memstream(char **text, size_t *len);

/*
 * The core reports a failure once, where it happens, as one whole sentence
 * (libvirt's virReportError shape); the face that called logs it.  The
 * message is per thread so concurrent polls and actions do not mix.
 */
void vmon_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *vmon_error_last(void);
void vmon_error_clear(void);

/*
 * For a daemon, before its threads start: every allocation of 128 KiB and
 * more in a mapping of its own, given back to the system when freed.  A
 * snapshot's domain array is megabytes, built on the poll thread and freed
 * on another every interval; glibc's default raises its mapping threshold
 * after the first such free and then keeps these arrays in per-thread
 * heaps, where an agent serving 1000 domains was seen growing from 14 to
 * 20 MiB.
 */
void vmon_malloc_for_daemon(void);

/* Seconds on the monotonic clock, for elapsed-time arithmetic. */
double vmon_now_mono(void);
double vmon_timespec_seconds(const struct timespec *ts);
/*
 * vmon_thread_detached: fn(arg) on a thread of its own that nobody joins;
 * false when no thread could be made (the caller then does the work itself).
 */
bool vmon_thread_detached(void *(*fn)(void *), void *arg);

/*
 * Work handed to such a thread that its waiter gives up on at a deadline (a
 * libvirt call that may never come back).  The thread and the waiter each
 * hold a reference, and whoever drops the last frees the work: neither has
 * to know whether the other is still there.  Results go in under lock, and
 * done is the thread's last word on them.
 *   init: not done, two references;
 *   finish: the thread's done, every waiter woken;
 *   wait: with lock held, until done or the monotonic deadline (which
 *     pthread_cond_timedwait takes on the realtime clock); returns done;
 *   put: drops a reference, true for the last: the caller then destroys
 *     the handoff and frees the work.
 */
struct vmon_handoff {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    bool done;
    int refs;
};
void vmon_handoff_init(struct vmon_handoff *h);
void vmon_handoff_finish(struct vmon_handoff *h);
bool vmon_handoff_wait(struct vmon_handoff *h, double deadline);
bool vmon_handoff_put(struct vmon_handoff *h);
void vmon_handoff_destroy(struct vmon_handoff *h);

/*
 * A background thread's stop flag, which its pauses between polls wake up
 * for: vmon_stop_pause() sleeps until the monotonic time until, or until
 * vmon_stop_request(), and returns whether a stop was requested.
 */
struct vmon_stop {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stopping;
};
void vmon_stop_init(struct vmon_stop *s);
void vmon_stop_destroy(struct vmon_stop *s);
void vmon_stop_request(struct vmon_stop *s);
bool vmon_stop_pause(struct vmon_stop *s, double until);

#endif
