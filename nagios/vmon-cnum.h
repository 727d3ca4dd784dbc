/*
 * Numbers as plugins read and write them: always in the C locale.
 *
 * Nagios and Icinga parse perfdata and thresholds with '.' as the decimal
 * point whatever the admin's LC_NUMERIC says (Icinga even forces
 * LC_NUMERIC=C on plugins, Nagios does not), so a check that printed "1,5"
 * under de_DE would feed garbage to every graph.  These helpers switch the
 * calling thread to the C locale for the one conversion (uselocale, POSIX
 * 2008) instead of touching the process-wide locale.
 */
#ifndef VMON_CNUM_H
#define VMON_CNUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse exactly the len bytes at text as a decimal number:
 * [+-] digits [. digits] [e [+-] digits] (a leading or trailing '.' is fine).
 * No hex, no "inf"/"nan", no spaces.  0 on success, -1 otherwise.
 */
int vmon_cnum_parse(const char *text, size_t len, double *value);

/*
 * The largest magnitude written: without an exponent 1.79e308 would be 309
 * digits.  10^18 is above any figure a VM reports as a double (2^64 bytes
 * counters go through vmon_cnum_format_u64) and a double holds it exactly.
 */
#define VMON_CNUM_MAX 1e18

/*
 * Write v in plain decimal notation (never an exponent: Nagios-era parsers
 * such as PNP4Nagios' only take [-0-9.]), at most 6 decimals, trailing
 * zeros dropped, "-0" printed as "0", and clamped to +-VMON_CNUM_MAX, so
 * at most 27 characters.  Returns the length snprintf would have written,
 * or -1 when v is not finite (there is no perfdata for NaN).
 */
int vmon_cnum_format(char *buf, size_t size, double v);

/* A counter printed exactly (a double holds only 53 bits). */
int vmon_cnum_format_u64(char *buf, size_t size, uint64_t v);

#endif
