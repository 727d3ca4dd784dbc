/* vmon-uuid: UUID text as libvirt prints it, read in either case. */
#include "vmon-uuid.h"

#include <string.h>

#include "tap.h"

DEF_TEST(parse_reads_every_byte)
{
    static const unsigned char want[16] = {
        0x76, 0x69, 0x72, 0x74, 0x6d, 0x6f, 0x4e, 0x00,
        0x80, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xff,
    };
    unsigned char got[16];

    EXPECT_EQ_U64(0, vmon_uuid_parse("76697274-6d6f-4e00-8000-0123456789ff", got));
    EXPECT(memcmp(want, got, 16) == 0);
    /* upper or mixed case, as a user may type it */
    memset(got, 0, sizeof(got));
    EXPECT_EQ_U64(0, vmon_uuid_parse("76697274-6D6F-4E00-8000-0123456789Ff", got));
    EXPECT(memcmp(want, got, 16) == 0);
}

DEF_TEST(parse_refuses_what_is_not_a_uuid)
{
    static const char *const bad[] = {
        "",
        "76697274-6d6f-4e00-8000-0123456789f",      /* 35 characters */
        "76697274-6d6f-4e00-8000-0123456789fff",    /* 37 */
        "76697274x6d6f-4e00-8000-0123456789f",      /* no dash at 8 */
        "766972746-d6f-4e00-8000-0123456789ff",     /* dash one place late */
        "76697274-6d6f-4e00-8000-0123456789fg",     /* not hex */
        "76697274-6d6f-4e00-8000-0123456789 f",
        "7669727--6d6f-4e00-8000-0123456789ff",
        "76697274-6d6f-4e00-8000-01234567-9ff",     /* a fifth dash */
        "7669727406d6f04e0008000001234567890ff",
        "web1",
    };
    unsigned char got[16];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (vmon_uuid_parse(bad[i], got) != -1 || vmon_uuid_is_text(bad[i])) {
            printf("# '%s' taken for a UUID\n", bad[i]);
            tap_failures++;
        }
    }
    EXPECT(vmon_uuid_is_text("76697274-6d6f-4e00-8000-0123456789ff"));
    EXPECT(vmon_uuid_is_text("76697274-6D6F-4E00-8000-0123456789FF"));
}

DEF_TEST(format_is_lower_case_and_round_trips)
{
    unsigned char uuid[16], back[16];
    char text[VMON_UUID_TEXT_LEN + 1];

    for (int i = 0; i < 16; i++)
        uuid[i] = (unsigned char) (i * 17 + 10);
    memset(text, 'x', sizeof(text));
    vmon_uuid_format(uuid, text);
    EXPECT_STR("0a1b2c3d-4e5f-7081-92a3-b4c5d6e7f809", text);
    EXPECT_EQ_U64(0, vmon_uuid_parse(text, back));
    EXPECT(memcmp(uuid, back, 16) == 0);

    memset(uuid, 0xff, sizeof(uuid));
    vmon_uuid_format(uuid, text);
    EXPECT_STR("ffffffff-ffff-ffff-ffff-ffffffffffff", text);
    memset(uuid, 0, sizeof(uuid));
    vmon_uuid_format(uuid, text);
    EXPECT_STR("00000000-0000-0000-0000-000000000000", text);
}

DEF_TEST(find_by_uuid_at_any_offset)
{
    struct item { int before; unsigned char uuid[16]; char after; } items[3] = { { 0 } };

    for (int i = 0; i < 3; i++)
        memset(items[i].uuid, 'a' + i, 16);
    EXPECT(vmon_uuid_find(items, 3, sizeof(items[0]), offsetof(struct item, uuid), items[2].uuid) == &items[2]);
    EXPECT(vmon_uuid_find(items, 3, sizeof(items[0]), offsetof(struct item, uuid), items[0].uuid) == &items[0]);
    /* the last item left out by n */
    EXPECT(vmon_uuid_find(items, 2, sizeof(items[0]), offsetof(struct item, uuid), items[2].uuid) == NULL);
    EXPECT(vmon_uuid_find(NULL, 0, sizeof(items[0]), 0, items[0].uuid) == NULL);

    /* bare 16-byte arrays: offset 0 */
    unsigned char bare[2][16];
    memset(bare[0], 1, 16);
    memset(bare[1], 2, 16);
    EXPECT(vmon_uuid_find(bare, 2, sizeof(bare[0]), 0, bare[1]) == bare[1]);
}

int
main(void)
{
    RUN_TEST(parse_reads_every_byte);
    RUN_TEST(parse_refuses_what_is_not_a_uuid);
    RUN_TEST(format_is_lower_case_and_round_trips);
    RUN_TEST(find_by_uuid_at_any_offset);
    return TAP_END();
}
