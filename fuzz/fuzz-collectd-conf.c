/*
 * collectd's <Plugin virtmon> block (collectd/vmon-cd-config.c): the
 * input is the block's body in oconfig-lines.h's format, handed to
 * vmon_cd_config_read() as collectd hands the block to the plugin's
 * complex-config callback.  plugin_log() is the daemon's: here it only
 * formats the message, so a bad format argument still shows.
 */
#include <stdarg.h>
#include <stdio.h>

#include "oconfig-lines.h"
#include "vmon-cd-plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void
plugin_log(int level, const char *format, ...)
{
    char msg[1024];
    va_list ap;

    (void) level;
    va_start(ap, format);
    vsnprintf(msg, sizeof(msg), format, ap);
    va_end(ap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oconfig_item_t *ci = oconfig_lines_parse("Plugin", "virtmon", (const char *) data, size);
    struct vmon_cd_config cfg;

    vmon_cd_config_init(&cfg);
    (void) vmon_cd_config_read(&cfg, ci);
    vmon_cd_config_clear(&cfg);
    oconfig_lines_free(ci);
    return 0;
}
