#include "vmon-util.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void
die_oom(size_t size)
{
    fprintf(stderr, "virtmon: out of memory allocating %zu bytes\n", size);
    abort();
}

void *
vmon_alloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);

    if (!p)
        die_oom(size);
    return p;
}

void *
vmon_realloc_array(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        die_oom(SIZE_MAX);
    void *q = realloc(p, n * size > 0 ? n * size : 1);
    if (!q)
        die_oom(n * size);
    return q;
}

FILE *
vmon_memstream(char **text, size_t *len)
{
    FILE *f = open_memstream(text, len);

    if (!f)
        die_oom(BUFSIZ);
    return f;
}

char *
vmon_strdup(const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        die_oom(strlen(s) + 1);
    return d;
}

void
vmon_ref_get(int *refs)
{
    __atomic_add_fetch(refs, 1, __ATOMIC_RELAXED);
}

bool
vmon_ref_put(int *refs)
{
    return __atomic_sub_fetch(refs, 1, __ATOMIC_ACQ_REL) == 0;
}

const char *
vmon_name_at(const char *const *names, size_t n, long i)
{
    return i >= 0 && (size_t) i < n && names[i] ? names[i] : "unknown";
}

void
vmon_strset(char **slot, const char *s)
{
    char *copy = vmon_strdup(s);

    free(*slot);
    *slot = copy;
}

void
vmon_strings_free(void *obj, const struct vmon_strings *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(*(char **) ((char *) obj + s->at[i]));
}

void
vmon_strings_dup(void *obj, const struct vmon_strings *s)
{
    for (size_t i = 0; i < s->n; i++) {
        char **slot = (char **) ((char *) obj + s->at[i]);
        *slot = vmon_strdup(*slot);
    }
}

void
vmon_strings_array_free(void *items, size_t n, size_t size, const struct vmon_strings *s)
{
    for (size_t i = 0; i < n; i++)
        vmon_strings_free((char *) items + i * size, s);
    free(items);
}

char *
vmon_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        die_oom(strlen(fmt));
    return s;
}

static _Thread_local char last_error[1024];

void
vmon_error_set(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
}

const char *
vmon_error_last(void)
{
    return last_error[0] ? last_error : "unknown error";
}

void
vmon_error_clear(void)
{
    last_error[0] = '\0';
}

double
vmon_timespec_seconds(const struct timespec *ts)
{
    return (double) ts->tv_sec + (double) ts->tv_nsec / 1e9;
}

static void
realtime_at(double deadline, struct timespec *until)
{
    double left = deadline - vmon_now_mono();

    clock_gettime(CLOCK_REALTIME, until);
    double t = vmon_timespec_seconds(until) + (left > 0 ? left : 0);
    until->tv_sec = (time_t) t;
    until->tv_nsec = (long) ((t - (double) until->tv_sec) * 1e9);
}

/* *flag set under lock, and everyone waiting on cond for it woken */
static void
raise_flag(pthread_mutex_t *lock, pthread_cond_t *cond, bool *flag)
{
    pthread_mutex_lock(lock);
    *flag = true;
    pthread_cond_broadcast(cond);
    pthread_mutex_unlock(lock);
}

/* With lock held: until *flag is set or the monotonic deadline passes; *flag. */
static bool
wait_flag(pthread_mutex_t *lock, pthread_cond_t *cond, const bool *flag, double deadline)
{
    struct timespec until;

    realtime_at(deadline, &until);
    while (!*flag)
        if (pthread_cond_timedwait(cond, lock, &until) != 0)
            break;
    return *flag;
}

bool
vmon_thread_detached(void *(*fn)(void *), void *arg)
{
    pthread_t thread;
    pthread_attr_t attr;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    bool ok = pthread_create(&thread, &attr, fn, arg) == 0;
    pthread_attr_destroy(&attr);
    return ok;
}

void
vmon_handoff_init(struct vmon_handoff *h)
{
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->done_cond, NULL);
    h->done = false;
    h->refs = 2;
}

void
vmon_handoff_finish(struct vmon_handoff *h)
{
    raise_flag(&h->lock, &h->done_cond, &h->done);
}

bool
vmon_handoff_wait(struct vmon_handoff *h, double deadline)
{
    return wait_flag(&h->lock, &h->done_cond, &h->done, deadline);
}

bool
vmon_handoff_put(struct vmon_handoff *h)
{
    return vmon_ref_put(&h->refs);
}

void
vmon_handoff_destroy(struct vmon_handoff *h)
{
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->done_cond);
}

double
vmon_now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return vmon_timespec_seconds(&ts);
}

void
vmon_stop_init(struct vmon_stop *s)
{
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->stopping = false;
}

void
vmon_stop_destroy(struct vmon_stop *s)
{
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
}

void
vmon_stop_request(struct vmon_stop *s)
{
    raise_flag(&s->lock, &s->cond, &s->stopping);
}

bool
vmon_stop_pause(struct vmon_stop *s, double until)
{
    pthread_mutex_lock(&s->lock);
    bool stop = wait_flag(&s->lock, &s->cond, &s->stopping, until);
    pthread_mutex_unlock(&s->lock);
    return stop;
}

void
vmon_malloc_for_daemon(void)
{
#ifdef M_MMAP_THRESHOLD
    /* setting it also turns glibc's dynamic threshold off */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}
