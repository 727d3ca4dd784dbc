/*
 * virtmond's configuration file (tools/virtmond-config.c): the input is
 * the file, read as "virtmond --config FILE -n" reads it.
 */
#include <getopt.h>
#include <stdlib.h>

#include "fuzz-input.h"
#include "virtmond-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    struct virtmond_config c;

    if (!path)
        return 0;
    char *argv[] = { "virtmond", "--config", (char *) path, "-n", NULL };
    optind = 0;   /* glibc: start getopt over, state and all */
    (void) virtmond_config_parse(&c, 4, argv);
    virtmond_config_clear(&c);
    fuzz_file_close();
    return 0;
}
