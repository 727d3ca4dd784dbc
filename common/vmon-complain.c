#include "vmon-complain.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmon-complain-priv.h"
#include "vmon-util.h"

double (*vmon_complain_clock)(void) = vmon_now_mono;

static void
say(vmon_log_fn *log, int priority, const char *fmt, va_list ap, const char *tail)
{
    char line[1024];
    int n = vsnprintf(line, sizeof(line), fmt, ap);

    if (n >= 0 && (size_t) n < sizeof(line) && tail[0])
        snprintf(line + n, sizeof(line) - (size_t) n, "%s", tail);
    log(priority, line);
}

/* Whether a new episode may be said in full: fewer than VMON_COMPLAIN_FULL
 * were within the quiet time. */
static bool
news(const struct vmon_complaint *c, double now)
{
    return c->said_at[0] == 0 || now - c->said_at[0] >= VMON_COMPLAIN_QUIET;
}

void
vmon_complain(struct vmon_complaint *c, vmon_log_fn *log, int priority, const char *fmt, ...)
{
    double now = vmon_complain_clock();
    char tail[160] = "";
    va_list ap;

    if (!c->active) {
        c->active = true;
        c->said = false;
        c->since = now;
        c->episodes++;
    }
    c->times++;
    if (c->said) {
        /* while it lasts: a reminder a minute, saying how often */
        if (now - c->last_line < VMON_COMPLAIN_QUIET)
            return;
        snprintf(tail, sizeof(tail), " (still, %lu times in %.0f s)", c->times,
                 now - c->last_line);
    } else {
        if (!news(c, now))
            return;         /* flapping: counted for the tick's line */
        if (c->pending)
            snprintf(tail, sizeof(tail), " (%lu times in the last %.0f s)", c->episodes,
                     now - c->last_line);
        memmove(c->said_at, c->said_at + 1, sizeof(c->said_at) - sizeof(c->said_at[0]));
        c->said_at[VMON_COMPLAIN_FULL - 1] = now;
    }
    va_start(ap, fmt);
    say(log, priority, fmt, ap, tail);
    va_end(ap);
    c->said = true;
    c->pending = false;
    c->last_line = now;
    c->times = 0;
    c->episodes = 0;
}

void
vmon_complain_release(struct vmon_complaint *c, vmon_log_fn *log, int priority,
                      const char *fmt, ...)
{
    double now = vmon_complain_clock();
    char tail[160] = "";
    va_list ap;

    if (!c->active)
        return;
    c->active = false;
    if (c->said) {
        snprintf(tail, sizeof(tail), " (after %.0f s)", now - c->since);
    } else {
        /* an episode of flapping: its end waits for the tick, which sums
         * up how often the trouble came and went */
        va_start(ap, fmt);
        vsnprintf(c->ended, sizeof(c->ended), fmt, ap);
        va_end(ap);
        c->pending = true;
        return;
    }
    va_start(ap, fmt);
    say(log, priority, fmt, ap, tail);
    va_end(ap);
    c->said = false;
    c->last_line = now;
    c->times = 0;
    c->episodes = 0;
}

static void
complaint_close(struct vmon_complaint *c, vmon_log_fn *log, int priority, bool force)
{
    double now = vmon_complain_clock();
    char line[sizeof(c->ended) + 160];

    if (!c->pending || c->active || (!force && now - c->last_line < VMON_COMPLAIN_QUIET))
        return;
    snprintf(line, sizeof(line), "%s (that trouble came and went %lu times in the last %.0f s)",
             c->ended, c->episodes, now - c->last_line);
    log(priority, line);
    c->pending = false;
    c->said = false;
    /* that line closed the account: a trouble that starts now is news */
    memset(c->said_at, 0, sizeof(c->said_at));
    c->last_line = now;
    c->times = 0;
    c->episodes = 0;
}

void
vmon_complaint_tick(struct vmon_complaint *c, vmon_log_fn *log, int priority)
{
    complaint_close(c, log, priority, false);
}

void
vmon_complaint_flush(struct vmon_complaint *c, vmon_log_fn *log, int priority)
{
    complaint_close(c, log, priority, true);
}

static void
burst_count(struct vmon_burst *b, const char *kind)
{
    b->total++;
    for (size_t i = 0; i < b->nkinds; i++) {
        if (strcmp(b->kinds[i].name, kind) == 0) {
            b->kinds[i].n++;
            return;
        }
    }
    if (b->nkinds == VMON_BURST_KINDS) {
        b->other++;
        return;
    }
    snprintf(b->kinds[b->nkinds].name, sizeof(b->kinds[0].name), "%s", kind);
    b->kinds[b->nkinds++].n = 1;
}

/* Closes the window when its time is over; with a summary if it held any back. */
static void
burst_close(struct vmon_burst *b, vmon_log_fn *log, int priority, double now, bool force)
{
    char line[1024];
    size_t len;

    if (b->start == 0 || (!force && now - b->start < VMON_BURST_WINDOW))
        return;
    b->summed = b->total > b->shown;
    if (b->summed) {
        double span = b->last - b->start;
        len = (size_t) snprintf(line, sizeof(line), "%lu %s in %.0f s (%u logged one by one):",
                                b->total, b->what, span < 1 ? 1 : span, b->shown);
        for (size_t i = 0; i < b->nkinds && len < sizeof(line); i++)
            len += (size_t) snprintf(line + len, sizeof(line) - len, "%s %lu %s",
                                     i ? "," : "", b->kinds[i].n, b->kinds[i].name);
        if (b->other && len < sizeof(line))
            snprintf(line + len, sizeof(line) - len, ", %lu other", b->other);
        log(priority, line);
    }
    b->start = 0;
    b->shown = 0;
    b->total = 0;
    b->nkinds = 0;
    b->other = 0;
}

bool
vmon_burst_add(struct vmon_burst *b, vmon_log_fn *log, int priority, const char *kind)
{
    double now = vmon_complain_clock();

    burst_close(b, log, priority, now, false);
    /* a whole window without events ends a burst: log one by one again */
    if (b->summed && now - b->last >= VMON_BURST_WINDOW)
        b->summed = false;
    if (b->start == 0)
        b->start = now;
    b->last = now;
    burst_count(b, kind);
    if (b->summed || b->shown >= VMON_BURST_SHOWN)
        return false;
    b->shown++;
    return true;
}

void
vmon_burst_tick(struct vmon_burst *b, vmon_log_fn *log, int priority)
{
    burst_close(b, log, priority, vmon_complain_clock(), false);
}

void
vmon_burst_flush(struct vmon_burst *b, vmon_log_fn *log, int priority)
{
    burst_close(b, log, priority, vmon_complain_clock(), true);
}
