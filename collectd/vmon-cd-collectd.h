/*
 * The one place the collectd face includes collectd's own headers.
 *
 * Debian's collectd-dev ships the daemon's headers patched to include each
 * other as "collectd/core/...", so daemon/collectd.h (with -DHAVE_CONFIG_H,
 * which automake passes anyway) pulls in /usr/include/collectd/core/config.h,
 * the daemon's own config.h, never ours.  That is what we want: the struct
 * layouts (DATA_MAX_NAME_LEN = 128 in value_list_t) must be the daemon's.
 * The price is that the daemon's config.h defines PACKAGE_NAME,
 * PACKAGE_VERSION, VERSION... as "collectd": so files of this face never
 * include our config.h and get our version from VMON_CD_VERSION, which
 * collectd/Makefile.inc passes on the command line.
 */
#ifndef VMON_CD_COLLECTD_H
#define VMON_CD_COLLECTD_H

#ifndef HAVE_CONFIG_H
#error "collectd's headers need -DHAVE_CONFIG_H to agree with the daemon on struct layouts"
#endif

#include "daemon/plugin.h"
#include "daemon/utils_complain.h"
#include "utils/common/common.h"

#ifndef VMON_CD_VERSION
#define VMON_CD_VERSION "unknown"
#endif

#define VMON_CD_LOG(level, ...) plugin_log(level, "virtmon plugin: " __VA_ARGS__)

#endif
