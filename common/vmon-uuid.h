/*
 * UUID text as libvirt prints it: 8-4-4-4-12 hex digits ("6f2c0e4a-...",
 * 36 characters).  Read in either case, always written in lower case, so a
 * UUID from virtmond's wire, a state file or the command line compares
 * equal to virDomainGetUUIDString()'s.
 */
#ifndef VMON_UUID_H
#define VMON_UUID_H

#include <stdbool.h>
#include <stddef.h>

#define VMON_UUID_LEN 16
#define VMON_UUID_TEXT_LEN 36   /* without the '\0' */

/* text into 16 bytes: 0, or -1 (uuid then undefined) when text is not a UUID. */
int vmon_uuid_parse(const char *text, unsigned char uuid[VMON_UUID_LEN]);
/* Whether text is a UUID, so a name or pattern can be told from one. */
bool vmon_uuid_is_text(const char *text);
/* The 16 bytes as libvirt prints them, '\0'-terminated. */
void vmon_uuid_format(const unsigned char uuid[VMON_UUID_LEN], char out[VMON_UUID_TEXT_LEN + 1]);
/*
 * The first of n items, each size bytes with its 16-byte UUID at offset
 * (offsetof(struct ..., uuid)), whose UUID is uuid; NULL when none is.
 * One lookup for every array of objects known by UUID.
 */
void *vmon_uuid_find(const void *items, size_t n, size_t size, size_t offset,
                     const unsigned char uuid[VMON_UUID_LEN]);

#endif
