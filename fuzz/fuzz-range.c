/*
 * The threshold range parser (nagios/vmon-range.c) and what the checks do
 * with a range once parsed: format it back, evaluate values against it,
 * print it in perfdata.  Input: up to four strings cut at NUL or newline,
 * "WARN\nCRIT\nVALUE\nLABEL", as -w, -c, a measured value and a label.
 *
 * Besides the sanitizers, three properties abort when broken: a range
 * formatted and parsed again formats the same; a perfdata item stays
 * bounded (no 309-digit number for a threshold of 1.79e308); a number
 * printed in perfdata has only the characters the guidelines allow.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-input.h"
#include "vmon-cnum.h"
#include "vmon-perfdata.h"
#include "vmon-range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* format(parse(format(r))) == format(r), and evaluation never crashes. */
static void
round_trip(const char *text)
{
    struct vmon_range r, again;
    char err[256], once[256], twice[256];

    if (vmon_range_parse(text, &r, err, sizeof(err)) < 0)
        return;
    if (vmon_range_format(&r, once, sizeof(once)) < 0)
        return;
    if (vmon_range_parse(once, &again, err, sizeof(err)) < 0) {
        fuzz_fail("'%s' formats as '%s', which does not parse: %s", text, once, err);
    }
    if (vmon_range_format(&again, twice, sizeof(twice)) < 0 || strcmp(once, twice) != 0) {
        fuzz_fail("'%s' formats as '%s', then as '%s'", text, once, twice);
    }
    static const double probes[] = { 0, -1, 1, 1e308, -1e308, INFINITY, -INFINITY, NAN, 0.5 };
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
        (void) vmon_range_alert(&r, probes[i]);
    (void) vmon_range_alert(&r, r.start);
    (void) vmon_range_alert(&r, r.end);
}

/*
 * One perfdata item, 'label'=value[UOM];warn;crit;min;max: each number
 * only [-0-9.] (the ranges also ~ @ :), and short: a number is at most a
 * sign, 19 digits (VMON_CNUM_MAX) and 7 for the decimals, a range two.
 */
static void
check_perfdata(const char *text, size_t label_len)
{
    const char *eq = strrchr(text, '=');

    /* quotes doubled: at most twice the label, in quotes */
    if (!eq || (size_t) (eq - text) > 2 * label_len + 2)
        fuzz_fail("perfdata item '%s': the label part is too long", text);
    const char *f = eq + 1;
    for (int i = 0; *f || i == 0; i++) {
        size_t n = strcspn(f, ";");
        size_t len = n;
        if (i == 0)
            while (len && strchr("%sBKMTcmu", f[len - 1]))
                len--;   /* the UOM */
        const char *allowed = i == 1 || i == 2 ? "-0123456789.~@:" : "-0123456789.";
        if (len > (i == 1 || i == 2 ? 2 * 28 + 2 : 28) || strspn(f, allowed) < len) {
            fuzz_fail("perfdata field %d of '%s' is '%.*s'", i, text, (int) n, f);
        }
        f += n;
        if (*f == ';')
            f++;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s[4] = { NULL, NULL, NULL, NULL }, *block;
    size_t n = fuzz_split(data, size, s, 4, &block);
    char err[512];

    for (size_t i = 0; i < n; i++)
        round_trip(s[i]);

    struct vmon_thresholds t = { 0 };
    if (n >= 2 && vmon_thresholds_set(&t, s[0], s[1], err, sizeof(err)) == 0) {
        double v = 0;
        if (n >= 3 && vmon_cnum_parse(s[2], strlen(s[2]), &v) < 0)
            v = 42;
        (void) vmon_thresholds_state(&t, v);

        struct vmon_perfdata pd;
        vmon_perfdata_init(&pd);
        const char *label = n >= 4 && *s[3] ? s[3] : "x";
        struct vmon_perf p = { .label = label, .value = v, .th = &t, .uom = VMON_UOM_PERCENT,
                               .have_min = true, .min = -v, .have_max = true, .max = v * 2 };
        if (vmon_perfdata_add(&pd, &p) == 0)
            check_perfdata(vmon_perfdata_text(&pd), strlen(label));
        vmon_perfdata_clear(&pd);
    }
    free(block);
    return 0;
}
