/*
 * Which domains a face sees.  One syntax for every face:
 *   include PATTERN[,PATTERN...]   exclude PATTERN[,PATTERN...]
 * A pattern that is a UUID (any case) matches that domain's UUID; anything
 * else is a shell glob (fnmatch) on the domain name.  With no include, every
 * domain is included; an exclude always wins.
 */
#ifndef VMON_FILTER_H
#define VMON_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct vmon_filter;

struct vmon_filter *vmon_filter_new(void);
void vmon_filter_free(struct vmon_filter *f);
struct vmon_filter *vmon_filter_copy(const struct vmon_filter *f);
/* 0, or -1 with vmon_error_last() naming the bad pattern. */
int vmon_filter_add(struct vmon_filter *f, bool include, const char *pattern_list);
/* One exact domain name, taken as is: commas, glob characters, blanks and all. */
int vmon_filter_add_literal(struct vmon_filter *f, bool include, const char *name);
/*
 * The one domain f selects, when it is one exact name or UUID given with
 * vmon_filter_add_literal() (and perhaps the same text as a UUID pattern):
 * a source can then ask for that domain alone.  NULL otherwise.
 */
const char *vmon_filter_single_domain(const struct vmon_filter *f);
bool vmon_filter_match(const struct vmon_filter *f, const char *name, const char *uuid_str);

#endif
