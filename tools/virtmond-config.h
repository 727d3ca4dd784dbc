/*
 * virtmond's configuration: the file (VIRTMOND_CONF, or --config FILE)
 * and the command line, which overrides it key by key.
 */
#ifndef VIRTMOND_CONFIG_H
#define VIRTMOND_CONFIG_H

#include <stdbool.h>
#include <sys/types.h>

#include "vmon-options.h"

struct virtmond_config {
    struct vmon_options opts;      /* the source's */
    char *socket_path;
    char *pidfile;                 /* NULL: none */
    mode_t mode;
    gid_t gid;                     /* (gid_t) -1: the daemon's */
    bool check_only;
    char *file;                    /* the file read; NULL: none (the default is missing) */
};

/*
 * Reads the file, then the command line, into c: VMON_CLI_GO_ON, or the
 * status to exit with, having said why on stderr (--help, --version: 0;
 * any bad line or option: 2, every bad line of the file named by file and
 * line number).
 */
int virtmond_config_parse(struct virtmond_config *c, int argc, char **argv);
void virtmond_config_clear(struct virtmond_config *c);

/* One line saying what c polls and how, for the log. */
char *virtmond_config_describe(const struct virtmond_config *c);

#endif
