/*
 * The SNMP agent's virtmon.conf (snmp/vmon-snmp-config.c): the input is
 * the file, read by net-snmp's own config reader with the agent's
 * handlers registered, as init_snmp() reads it.  Only virtmon's handlers
 * are compiled with the sanitizers' instrumentation; net-snmp's reader is
 * the installed library.
 */
#include <stdlib.h>

#include "fuzz-input.h"
#include "vmon-snmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The agent's state, which vmon-snmp-ctx.c (not linked here) holds. */
struct vmon_snmp_ctx vmon_snmp;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc, (void) argv;
    /* config_perror() and the unknown-token warnings: not wanted 100,000 times */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, 1);
    snmp_disable_log();
    vmon_snmp_config_register();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);

    if (!path)
        return 0;
    vmon_options_init(&vmon_snmp.opts);
    vmon_snmp.config_failed = false;
    read_config_with_type(path, VMON_SNMP_APP);
    vmon_options_clear(&vmon_snmp.opts);
    fuzz_file_close();
    return 0;
}
