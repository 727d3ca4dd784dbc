/*
 * An oconfig_item_t tree, as collectd's parser hands a <Plugin> block to a
 * complex-config callback, built from a line format close to collectd's:
 *
 *   Key value value ...     values: "quoted string" (\" and \\ escapes),
 *                           true/false/yes/no/on/off, a number (strtod), or
 *                           a bare word (a string, as collectd takes one)
 *   <Key values ...>        opens a child block ...
 *   </Key>                  ... and closes it
 *   # comment
 *
 * collectd's own parser is part of the daemon, not a library a test can
 * link; this one makes the same shapes from fuzz input.
 */
#ifndef OCONFIG_LINES_H
#define OCONFIG_LINES_H

#include <stddef.h>

#include "vmon-cd-collectd.h"

/* The block <key value> with text's lines as its children: never NULL. */
oconfig_item_t *oconfig_lines_parse(const char *key, const char *value, const char *text, size_t len);
void oconfig_lines_free(oconfig_item_t *ci);

#endif
