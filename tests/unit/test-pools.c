/*
 * Storage pools in the snapshot, against libvirt's test driver: the figures
 * equal what libvirt itself answers at the same moment, a pool defined,
 * started, filled and stopped shows up as such, and a storage-pool event
 * makes the poller read a pool's volumes again.  test:///default is shared
 * by every connection of one process, so this test's own connection
 * changes what the poller sees.
 */
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "tap.h"
#include "vmon-source.h"
#include "vmon-util.h"

#define URI "test:///default"

static virConnectPtr conn;

static struct vmon_source *
open_source(bool events)
{
    struct vmon_options o;

    vmon_options_init(&o);
    o.source = VMON_SOURCE_LIBVIRT;
    o.uri = vmon_strdup(URI);
    o.events = events;
    o.interval = 1;
    struct vmon_source *src = vmon_source_open(&o, events ? 0 : VMON_SOURCE_ONESHOT);
    vmon_options_clear(&o);
    return src;
}

static void
expect_pool_equals_libvirt(const struct vmon_snapshot *snap, const char *name)
{
    const struct vmon_pool *p = vmon_snapshot_find_pool(snap, name);
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, name);
    virStoragePoolInfo info;
    char uuid[VIR_UUID_STRING_BUFLEN];
    int autostart = -1;

    EXPECT_MSG(p != NULL, "pool %s in the snapshot", name);
    EXPECT(pool && virStoragePoolGetInfo(pool, &info) == 0);
    if (!p || !pool)
        return;
    virStoragePoolGetUUIDString(pool, uuid);
    virStoragePoolGetAutostart(pool, &autostart);
    EXPECT_STR(uuid, p->uuid_str);
    EXPECT_EQ_INT(info.state, p->state);
    EXPECT_EQ_INT(autostart, p->autostart);
    EXPECT_EQ_INT(virStoragePoolIsPersistent(pool), p->persistent);
    EXPECT(!p->stale);
    EXPECT_EQ_U64(info.capacity, p->m[VMON_POOL_CAPACITY].u);
    EXPECT_EQ_U64(info.allocation, p->m[VMON_POOL_ALLOCATION].u);
    EXPECT_EQ_U64(info.available, p->m[VMON_POOL_AVAILABLE].u);
    if (info.capacity) {
        EXPECT(vmon_value_has(&p->m[VMON_POOL_USED_PERCENT]));
        EXPECT_MSG(fabs(p->m[VMON_POOL_USED_PERCENT].d - 100.0 * info.allocation / info.capacity)
                   < 1e-9, "used %% %.3f", p->m[VMON_POOL_USED_PERCENT].d);
    }
    if (info.state == VIR_STORAGE_POOL_RUNNING)
        EXPECT_EQ_U64((unsigned) virStoragePoolNumOfVolumes(pool), p->m[VMON_POOL_VOLUMES].u);
    virStoragePoolFree(pool);
}

DEF_TEST(default_pool_equals_libvirt)
{
    struct vmon_source *src = open_source(false);
    EXPECT(src != NULL);
    if (!src)
        return;
    struct vmon_snapshot *snap = vmon_source_poll_now(src);
    EXPECT(snap && snap->health.connected);
    EXPECT_EQ_INT(virConnectNumOfStoragePools(conn) + virConnectNumOfDefinedStoragePools(conn),
                  snap->npools);
    EXPECT(!snap->no_pool_driver);
    expect_pool_equals_libvirt(snap, "default-pool");
    const struct vmon_pool *p = vmon_snapshot_find_pool(snap, "default-pool");
    EXPECT(p && p->type && strcmp(p->type, "dir") == 0);
    EXPECT(p && p->path && strcmp(p->path, "/default-pool") == 0);
    EXPECT(p && p->figures_time == snap->taken_wall);
    vmon_snapshot_unref(snap);
    vmon_source_close(src);
}

static const char pool_xml[] =
    "<pool type='dir'><name>vmon-extra</name><target><path>/vmon-extra</path></target></pool>";
static const char vol_xml[] =
    "<volume><name>v1.img</name><capacity unit='M'>64</capacity></volume>";

/* A snapshot polled after libvirt's events had time to arrive. */
static struct vmon_snapshot *
poll_settled(struct vmon_source *src)
{
    usleep(300 * 1000);
    return vmon_source_poll_now(src);
}

DEF_TEST(pool_lifecycle_and_refresh)
{
    struct vmon_source *src = open_source(true);
    EXPECT(src != NULL);
    if (!src)
        return;
    struct vmon_snapshot *snap = poll_settled(src);
    EXPECT(snap && vmon_snapshot_find_pool(snap, "vmon-extra") == NULL);
    vmon_snapshot_unref(snap);

    virStoragePoolPtr pool = virStoragePoolDefineXML(conn, pool_xml, 0);
    EXPECT(pool != NULL);
    if (!pool)
        return;
    snap = poll_settled(src);
    const struct vmon_pool *p = vmon_snapshot_find_pool(snap, "vmon-extra");
    EXPECT(p && p->state == VMON_POOL_INACTIVE && p->persistent);
    EXPECT(p && !vmon_value_has(&p->m[VMON_POOL_VOLUMES]));
    vmon_snapshot_unref(snap);

    EXPECT_EQ_INT(0, virStoragePoolCreate(pool, 0));
    snap = poll_settled(src);
    expect_pool_equals_libvirt(snap, "vmon-extra");
    p = vmon_snapshot_find_pool(snap, "vmon-extra");
    EXPECT(p && p->state == VMON_POOL_RUNNING && p->path && strcmp(p->path, "/vmon-extra") == 0);
    vmon_snapshot_unref(snap);

    /* no event for a new volume; a refresh (virsh pool-refresh) says so */
    virStorageVolPtr vol = virStorageVolCreateXML(pool, vol_xml, 0);
    EXPECT(vol != NULL);
    EXPECT_EQ_INT(0, virStoragePoolRefresh(pool, 0));
    snap = poll_settled(src);
    expect_pool_equals_libvirt(snap, "vmon-extra");
    p = vmon_snapshot_find_pool(snap, "vmon-extra");
    EXPECT(p && p->m[VMON_POOL_VOLUMES].u == 1);
    vmon_snapshot_unref(snap);

    if (vol) {
        virStorageVolDelete(vol, 0);
        virStorageVolFree(vol);
    }
    EXPECT_EQ_INT(0, virStoragePoolDestroy(pool));
    snap = poll_settled(src);
    p = vmon_snapshot_find_pool(snap, "vmon-extra");
    EXPECT(p && p->state == VMON_POOL_INACTIVE);
    vmon_snapshot_unref(snap);
    virStoragePoolUndefine(pool);
    virStoragePoolFree(pool);
    snap = poll_settled(src);
    EXPECT(vmon_snapshot_find_pool(snap, "vmon-extra") == NULL);
    vmon_snapshot_unref(snap);
    vmon_source_close(src);
}

int
main(void)
{
    conn = virConnectOpen(URI);
    if (!conn) {
        printf("# cannot open %s\n", URI);
        return TAP_EXIT_HARD;
    }
    RUN_TEST(default_pool_equals_libvirt);
    RUN_TEST(pool_lifecycle_and_refresh);
    virConnectClose(conn);
    return TAP_END();
}
