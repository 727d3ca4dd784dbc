#include "vmon-cnum.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * One C locale object for the process, made on first use.  newlocale() can
 * only fail for lack of memory; we then fall back to the global locale,
 * which for a plugin that never calls setlocale() is "C" anyway.
 */
static locale_t
c_locale(void)
{
    static locale_t loc;

    if (!loc)
        loc = newlocale(LC_ALL_MASK, "C", (locale_t) 0);
    return loc;
}

int
vmon_cnum_parse(const char *text, size_t len, double *value)
{
    size_t i = 0, digits = 0;
    char buf[64];

    if (len == 0 || len >= sizeof(buf))
        return -1;
    if (text[i] == '+' || text[i] == '-')
        i++;
    while (i < len && isdigit((unsigned char) text[i]))
        i++, digits++;
    if (i < len && text[i] == '.') {
        i++;
        while (i < len && isdigit((unsigned char) text[i]))
            i++, digits++;
    }
    if (digits == 0)
        return -1;
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        size_t exp_digits = 0;

        i++;
        if (i < len && (text[i] == '+' || text[i] == '-'))
            i++;
        while (i < len && isdigit((unsigned char) text[i]))
            i++, exp_digits++;
        if (exp_digits == 0)
            return -1;
    }
    if (i != len)
        return -1;

    /* The syntax is checked; strtod only converts, in the C locale. */
    memcpy(buf, text, len);
    buf[len] = '\0';
    locale_t loc = c_locale();
    locale_t old = loc ? uselocale(loc) : (locale_t) 0;
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    int err = errno;
    if (old)
        uselocale(old);
    if (*end != '\0' || err == ERANGE || !isfinite(v))
        return -1;
    *value = v;
    return 0;
}

int
vmon_cnum_format(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        return -1;
    if (v == 0)
        v = 0;           /* -0.0 would print as "-0" */
    if (v > VMON_CNUM_MAX)
        v = VMON_CNUM_MAX;
    if (v < -VMON_CNUM_MAX)
        v = -VMON_CNUM_MAX;

    locale_t loc = c_locale();
    locale_t old = loc ? uselocale(loc) : (locale_t) 0;
    char tmp[400];
    int n = snprintf(tmp, sizeof(tmp), "%.6f", v);
    if (old)
        uselocale(old);
    if (n < 0 || (size_t) n >= sizeof(tmp))
        return -1;

    /* "12.500000" -> "12.5", "3.000000" -> "3" */
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *end = tmp + n - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    /* -0.0000001 rounds to "-0" */
    if (strcmp(tmp, "-0") == 0)
        strcpy(tmp, "0");
    return snprintf(buf, size, "%s", tmp);
}

int
vmon_cnum_format_u64(char *buf, size_t size, uint64_t v)
{
    return snprintf(buf, size, "%" PRIu64, v);
}
