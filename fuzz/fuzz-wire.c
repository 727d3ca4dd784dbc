/*
 * The wire reader (common/vmon-wire.c) as virtmond's clients use it: the
 * whole input as a snapshot reply (vmon_serve_fetch -> vmon_wire_read),
 * and each line of it as a line of the events stream
 * (vmon_wire_parse_event), as the answer to an action
 * (vmon_wire_parse_action_result) and as a quoted string
 * (vmon_wire_parse_string).  A snapshot that reads is written out again,
 * and that must read too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-input.h"
#include "vmon-wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
snapshot(const uint8_t *data, size_t size)
{
    char err[512];
    FILE *f = fmemopen((void *) data, size, "r");

    if (!f)
        return;
    struct vmon_snapshot *snap = vmon_wire_read(f, err, sizeof(err));
    fclose(f);
    if (!snap)
        return;

    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out || vmon_wire_write(out, snap, NULL) < 0)
        fuzz_fail("a snapshot read cannot be written");
    fclose(out);
    FILE *in = fmemopen(text, len, "r");
    struct vmon_snapshot *again = in ? vmon_wire_read(in, err, sizeof(err)) : NULL;
    if (!again) {
        fuzz_fail("a snapshot read, written again, does not read: %s", err);
    }
    fclose(in);
    free(text);
    vmon_snapshot_unref(again);
    vmon_snapshot_unref(snap);
}

static void
line(const char *text)
{
    char err[512];
    char *copy = strdup(text);
    struct vmon_event ev;
    struct vmon_action_result res;

    if (!copy)
        abort();
    (void) vmon_wire_parse_event(copy, &ev, err, sizeof(err));
    strcpy(copy, text);   /* parsed in place */
    (void) vmon_wire_parse_action_result(copy, &res, err, sizeof(err));
    if (text[0] == '"') {
        const char *end;
        free(vmon_wire_parse_string(text, &end));
    }
    free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *lines[64], *block;

    snapshot(data, size);
    size_t n = fuzz_split(data, size, lines, 64, &block);
    for (size_t i = 0; i < n; i++)
        line(lines[i]);
    free(block);
    return 0;
}
