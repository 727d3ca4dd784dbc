/*
 * The metric table as MIB columns: which column shows which metric, with
 * which SNMP type, and how a core value becomes a varbind.  The MIB file
 * follows the same rules (tests/snmp/test-mib-columns checks it does):
 *
 *   counter                         Counter64, raw
 *   gauge in KiB or bytes           VirtmonGauge64 (a Counter64 on the wire)
 *   other gauge                     Gauge32, saturating
 *   derived (percent)               VirtmonHundredths: Gauge32, value * 100
 *   rate of a byte counter          VirtmonGauge64, per second, rounded
 *   other rate                      Gauge32, per second, rounded, saturating
 *   window min/avg/max              the syntax of what the window is over
 */
#include "vmon-snmp.h"

#include <math.h>
#include <string.h>

#include "vmon-oid.h"

static struct vmon_snmp_colref colmap[VMON_SCOPE__N][VMON_MAX_COLUMN + 1];

static int
put(enum vmon_scope scope, int col, const struct vmon_metric_desc *d, enum vmon_snmp_what what)
{
    if (col <= 0 || col > VMON_MAX_COLUMN) {
        snmp_log(LOG_ERR, "metric '%s' (%s): column %d is outside 1..%d\n",
                 d->key, vmon_scope_name(scope), col, VMON_MAX_COLUMN);
        return -1;
    }
    if (colmap[scope][col].desc) {
        snmp_log(LOG_ERR, "metrics '%s' and '%s' (%s) both claim column %d\n",
                 colmap[scope][col].desc->key, d->key, vmon_scope_name(scope), col);
        return -1;
    }
    colmap[scope][col].desc = d;
    colmap[scope][col].what = what;
    return 0;
}

int
vmon_snmp_columns_init(void)
{
    int rc = 0;

    memset(colmap, 0, sizeof(colmap));
    for (int s = 0; s < VMON_SCOPE__N; s++) {
        size_t n;
        const struct vmon_metric_desc *d = vmon_metrics((enum vmon_scope) s, &n);

        for (size_t i = 0; i < n; i++) {
            if (d[i].snmp_col == 0)
                continue;
            rc |= put(s, d[i].snmp_col, &d[i], VMON_SNMP_VALUE);
            if (d[i].snmp_rate_col)
                rc |= put(s, d[i].snmp_rate_col, &d[i], VMON_SNMP_RATE);
            static const enum vmon_snmp_what win[3] = {
                VMON_SNMP_WIN_MIN, VMON_SNMP_WIN_AVG, VMON_SNMP_WIN_MAX,
            };
            for (int w = 0; w < 3; w++) {
                if (!d[i].snmp_win_col[w])
                    continue;
                /* the core keeps a window only for VMON_MF_WINDOW metrics */
                if (!(d[i].flags & VMON_MF_WINDOW)) {
                    snmp_log(LOG_ERR, "metric '%s' (%s): window column %d without VMON_MF_WINDOW\n",
                             d[i].key, vmon_scope_name(s), d[i].snmp_win_col[w]);
                    rc = -1;
                    continue;
                }
                rc |= put(s, d[i].snmp_win_col[w], &d[i], win[w]);
            }
        }
    }
    return rc ? -1 : 0;
}

const struct vmon_snmp_colref *
vmon_snmp_column(enum vmon_scope scope, unsigned col)
{
    if ((unsigned) scope >= VMON_SCOPE__N || col > VMON_MAX_COLUMN || !colmap[scope][col].desc)
        return NULL;
    return &colmap[scope][col];
}

size_t
vmon_snmp_metric_columns(enum vmon_scope scope, unsigned *cols, size_t max)
{
    size_t n = 0;

    for (unsigned c = 1; c <= VMON_MAX_COLUMN; c++)
        if (colmap[scope][c].desc) {
            if (n < max)
                cols[n] = c;
            n++;
        }
    return n;
}

u_char
vmon_snmp_column_type(const struct vmon_snmp_colref *ref)
{
    const struct vmon_metric_desc *d = ref->desc;
    bool rate = ref->what == VMON_SNMP_RATE
                || (ref->what != VMON_SNMP_VALUE && d->kind == VMON_KIND_COUNTER);

    if (rate)
        return d->unit == VMON_UNIT_BYTES ? ASN_COUNTER64 : ASN_GAUGE;
    if (d->kind == VMON_KIND_COUNTER)
        return ASN_COUNTER64;
    if (d->kind == VMON_KIND_GAUGE && (d->unit == VMON_UNIT_KIB || d->unit == VMON_UNIT_BYTES))
        return ASN_COUNTER64;
    return ASN_GAUGE;
}

static uint64_t
round_u64(double v)
{
    if (!(v > 0))           /* also NaN */
        return 0;
    if (v >= 18446744073709551615.0)
        return UINT64_MAX;
    return (uint64_t) llround(v);
}

int
vmon_snmp_column_value(const struct vmon_snmp_colref *ref, const struct vmon_value *m,
                       const struct vmon_window_stat *win, netsnmp_variable_list *vb)
{
    const struct vmon_metric_desc *d = ref->desc;
    const struct vmon_value *v = &m[d->id];
    double x;

    switch (ref->what) {
    case VMON_SNMP_VALUE:
        if (!vmon_value_has(v))
            return -1;
        if (d->kind == VMON_KIND_DERIVED)
            x = v->d * 100;
        else {
            if (vmon_snmp_column_type(ref) == ASN_COUNTER64)
                vmon_snmp_set_counter64(vb, v->u);
            else
                vmon_snmp_set_gauge(vb, v->u);
            return 0;
        }
        break;
    case VMON_SNMP_RATE:
        if (!vmon_value_has_rate(v))
            return -1;
        x = v->d;
        break;
    default:
        if (!win || !win[d->id].have)
            return -1;
        x = ref->what == VMON_SNMP_WIN_MIN ? win[d->id].min
            : ref->what == VMON_SNMP_WIN_AVG ? win[d->id].avg : win[d->id].max;
        if (d->kind == VMON_KIND_DERIVED)
            x *= 100;
        break;
    }
    if (vmon_snmp_column_type(ref) == ASN_COUNTER64)
        vmon_snmp_set_counter64(vb, round_u64(x));
    else
        vmon_snmp_set_gauge(vb, round_u64(x));
    return 0;
}

void
vmon_snmp_set_string(netsnmp_variable_list *vb, const char *s)
{
    if (!s)
        s = "";
    snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, strlen(s));
}

void
vmon_snmp_set_utf8(netsnmp_variable_list *vb, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n > VMON_SNMP_UTF8_MAX) {   /* VirtmonUtf8String: whole characters only */
        n = VMON_SNMP_UTF8_MAX;
        while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
            n--;
    }
    snmp_set_var_typed_value(vb, ASN_OCTET_STR, s ? s : "", n);
}

void
vmon_snmp_set_int(netsnmp_variable_list *vb, long v)
{
    snmp_set_var_typed_integer(vb, ASN_INTEGER, v);
}

void
vmon_snmp_set_gauge(netsnmp_variable_list *vb, uint64_t v)
{
    /* RFC 2578 7.1.7: a Gauge32 latches at its maximum rather than wrapping */
    snmp_set_var_typed_integer(vb, ASN_GAUGE, v > 0xffffffffu ? 0xffffffffu : (long) v);
}

void
vmon_snmp_set_counter64(netsnmp_variable_list *vb, uint64_t v)
{
    struct counter64 c = { .high = (u_long) (v >> 32), .low = (u_long) (v & 0xffffffffu) };

    snmp_set_var_typed_value(vb, ASN_COUNTER64, &c, sizeof(c));
}

void
vmon_snmp_set_truth(netsnmp_variable_list *vb, bool v)
{
    snmp_set_var_typed_integer(vb, ASN_INTEGER, v ? 1 : 2);   /* TruthValue */
}

void
vmon_snmp_uuid_to_oid(const unsigned char uuid[16], oid *out)
{
    for (int i = 0; i < 16; i++)
        out[i] = uuid[i];
}
