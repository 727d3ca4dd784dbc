/* UUID text <-> 16 bytes: the one parser every face and the wire share. */
#include "vmon-uuid.h"

#include <string.h>

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The dashes stand after these many digits: 8-4-4-4-12. */
static bool
dash_at(int i)
{
    return i == 8 || i == 13 || i == 18 || i == 23;
}

int
vmon_uuid_parse(const char *text, unsigned char uuid[VMON_UUID_LEN])
{
    if (strlen(text) != VMON_UUID_TEXT_LEN)
        return -1;
    for (int i = 0, o = 0; i < VMON_UUID_TEXT_LEN; ) {
        if (dash_at(i)) {
            if (text[i++] != '-')
                return -1;
            continue;
        }
        int hi = hexval(text[i]), lo = hexval(text[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        uuid[o++] = (unsigned char) (hi * 16 + lo);
        i += 2;
    }
    return 0;
}

bool
vmon_uuid_is_text(const char *text)
{
    unsigned char ignored[VMON_UUID_LEN];

    return vmon_uuid_parse(text, ignored) == 0;
}

void
vmon_uuid_format(const unsigned char uuid[VMON_UUID_LEN], char out[VMON_UUID_TEXT_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    int o = 0;

    for (int i = 0; i < VMON_UUID_LEN; i++) {
        if (dash_at(o))
            out[o++] = '-';
        out[o++] = digits[uuid[i] >> 4];
        out[o++] = digits[uuid[i] & 15];
    }
    out[o] = '\0';
}

void *
vmon_uuid_find(const void *items, size_t n, size_t size, size_t offset,
               const unsigned char uuid[VMON_UUID_LEN])
{
    for (size_t i = 0; i < n; i++) {
        const char *item = (const char *) items + i * size;
        if (memcmp(item + offset, uuid, VMON_UUID_LEN) == 0)
            return (void *) item;
    }
    return NULL;
}
