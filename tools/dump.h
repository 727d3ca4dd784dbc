#ifndef VIRTMON_DUMP_H
#define VIRTMON_DUMP_H

#include <stdio.h>

#include "vmon-snapshot.h"

void dump_json(FILE *out, const struct vmon_snapshot *snap);
void dump_table(FILE *out, const struct vmon_snapshot *snap);

#endif
