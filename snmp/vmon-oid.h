/*
 * Where VIRTMON-MIB lives, for the agent.  The enterprise number below is
 * a PLACEHOLDER: virtmon has no IANA Private Enterprise Number yet.  When
 * it gets one, change VMON_OID_ENTERPRISE here and the one
 * "{ enterprises 99999 }" in mibs/VIRTMON-MIB.txt; nothing else names it
 * (tests/snmp/test-mib-columns checks that the two agree).
 *
 * The sub-arcs mirror the MIB's layout section; each is written here once
 * so that the table files never spell an OID of their own.
 */
#ifndef VMON_OID_H
#define VMON_OID_H

#include "vmon-metrics.h"

#define VMON_OID_ENTERPRISE 99999   /* PLACEHOLDER, see above */

#define VMON_OID_ROOT           1, 3, 6, 1, 4, 1, VMON_OID_ENTERPRISE
#define VMON_OID_NOTIFICATIONS  VMON_OID_ROOT, 0
#define VMON_OID_OBJECTS        VMON_OID_ROOT, 1

#define VMON_OID_AGENT          VMON_OID_OBJECTS, 1
#define VMON_OID_NODE           VMON_OID_OBJECTS, 2
#define VMON_OID_DOMAIN_TABLE   VMON_OID_OBJECTS, 3
#define VMON_OID_VCPU_TABLE     VMON_OID_OBJECTS, 4
#define VMON_OID_DISK_TABLE     VMON_OID_OBJECTS, 5
#define VMON_OID_NIC_TABLE      VMON_OID_OBJECTS, 6
#define VMON_OID_NOTIFY_OBJECTS VMON_OID_OBJECTS, 7
#define VMON_OID_STATE_TABLE    VMON_OID_OBJECTS, 8
#define VMON_OID_POOL_TABLE     VMON_OID_OBJECTS, 9
#define VMON_OID_LABEL_TABLE    VMON_OID_OBJECTS, 10
#define VMON_OID_FS_TABLE       VMON_OID_OBJECTS, 11

/* Notifications (virtmonNotifications.N) */
#define VMON_NOTIF_LIFECYCLE    1
#define VMON_NOTIF_LIBVIRT_LOST 2
#define VMON_NOTIF_LIBVIRT_BACK 3
#define VMON_NOTIF_POOL_LIFECYCLE 4

/* virtmonNotifyObjects.N */
#define VMON_NOTIFY_EVENT_TYPE        1
#define VMON_NOTIFY_EVENT_DETAIL      2
#define VMON_NOTIFY_EVENT_DETAIL_NAME 3
#define VMON_NOTIFY_EVENT_MESSAGE     4
#define VMON_NOTIFY_POOL_EVENT_TYPE   5

/* virtmonAgent.N */
enum vmon_oid_agent {
    VMON_AGENT_CONNECTED = 1,
    VMON_AGENT_POLLS,
    VMON_AGENT_POLL_ERRORS,
    VMON_AGENT_RECONNECTS,
    VMON_AGENT_LAST_POLL_TIME,
    VMON_AGENT_LAST_POLL_DURATION,
    VMON_AGENT_LAST_ERROR,
    VMON_AGENT_URI,
    VMON_AGENT_VERSION,
    VMON_AGENT_POLL_INTERVAL,
    VMON_AGENT_WINDOW,
    VMON_AGENT_ALLOWED_ACTIONS,
    VMON_AGENT_SNAPSHOT_SEQ,
    VMON_AGENT_EVENTS_DROPPED,
    VMON_AGENT__LAST = VMON_AGENT_EVENTS_DROPPED
};

/* virtmonNode.N below the first metric column of vmon-metrics.def */
enum vmon_oid_node {
    VMON_NODE_HOSTNAME = 1,
    VMON_NODE_HV_TYPE,
    VMON_NODE_HV_VERSION,
    VMON_NODE_LIB_VERSION,
    VMON_NODE_CPU_MODEL,
    VMON_NODE_DOMAINS_ACTIVE,
    VMON_NODE_DOMAINS_INACTIVE,
    VMON_NODE__LAST_IDENTITY = VMON_NODE_DOMAINS_INACTIVE
};

/* virtmonDomainEntry identity columns; metric columns come from the .def */
enum vmon_oid_domain_col {
    VMON_DCOL_UUID = 1,
    VMON_DCOL_NAME,
    VMON_DCOL_UUID_STRING,
    VMON_DCOL_STATE,
    VMON_DCOL_REASON,
    VMON_DCOL_REASON_NAME,
    VMON_DCOL_ID,
    VMON_DCOL_PERSISTENT,
    VMON_DCOL_AUTOSTART,
    VMON_DCOL_OS_TYPE,
    VMON_DCOL_PARTIAL,
    VMON_DCOL_DISK_COUNT,
    VMON_DCOL_NIC_COUNT,
    VMON_DCOL_ACTION,
    VMON_DCOL_LAST_ACTION,
    VMON_DCOL_LAST_RESULT,
    VMON_DCOL_LAST_TIME,
    VMON_DCOL_LAST_MESSAGE,
    VMON_DCOL_VCPU_COUNT,
    VMON_DCOL__LAST_IDENTITY = VMON_DCOL_VCPU_COUNT
};
/*
 * Identity columns added after the metric columns took 20..399: above
 * VMON_MAX_COLUMN, where no metric (nor its window columns) can land.
 */
#define VMON_DCOL_TITLE       401
#define VMON_DCOL_DESCRIPTION 402
#define VMON_DCOL_NLATE       2

/* virtmonLabelEntry: index (domain UUID, label name), then these */
#define VMON_LCOL_DOMAIN_NAME 2
#define VMON_LCOL_VALUE       3

/* Device tables: index, then identity columns, then the .def's columns */
#define VMON_VCOL_DOMAIN_NAME 2
#define VMON_KCOL_NAME        2     /* disk */
#define VMON_KCOL_PATH        3
#define VMON_KCOL_DOMAIN_NAME 4
#define VMON_KCOL_BUS         5
#define VMON_KCOL_SERIAL      6
#define VMON_KCOL__LAST_IDENTITY VMON_KCOL_SERIAL
#define VMON_NCOL_NAME        2     /* NIC */
#define VMON_NCOL_MAC         3
#define VMON_NCOL_DOMAIN_NAME 4
#define VMON_NCOL_ALIAS       5
#define VMON_NCOL_SOURCE      6
#define VMON_NCOL_MODEL       7
#define VMON_NCOL__LAST_IDENTITY VMON_NCOL_MODEL

enum vmon_oid_pool_col {          /* virtmonPoolTable; 1 is the UUID index */
    VMON_PCOL_NAME = 2,
    VMON_PCOL_UUID_STRING,
    VMON_PCOL_TYPE,
    VMON_PCOL_PATH,
    VMON_PCOL_STATE,
    VMON_PCOL_AUTOSTART,
    VMON_PCOL_PERSISTENT,
    VMON_PCOL_STALE,
    VMON_PCOL__LAST_IDENTITY = VMON_PCOL_STALE
};

enum vmon_oid_fs_col {            /* virtmonFsTable; index (domain UUID, position), then these */
    VMON_FCOL_MOUNT_POINT = 2,
    VMON_FCOL_DOMAIN_NAME,
    VMON_FCOL_DEVICE,
    VMON_FCOL_TYPE,
    VMON_FCOL_DISKS,
    VMON_FCOL__LAST_IDENTITY = VMON_FCOL_DISKS
};

/* Metric columns, window ones included, are the .def's; none lies above this. */
#define VMON_MAX_COLUMN        400

/*
 * How many metric columns vmon-metrics.def gives each scope, as
 * vmon_snmp_columns_init() lays them out: a metric with a column has that
 * one and each of its rate and window (min, avg, max) columns that is not 0.
 * Known at compile time, so each column list is sized by its table.
 */
#define VMON_OID_METRIC_NCOLS(ID, key, kind, unit, flags, group, total, memtag, col, ratecol, \
                              wmin, wavg, wmax, ...) \
    + ((col) ? 1 + ((ratecol) != 0) + ((wmin) != 0) + ((wavg) != 0) + ((wmax) != 0) : 0)
enum vmon_oid_metric_ncols {
    VMON_NODE_METRIC_NCOLS = 0
#define VMON_NODE_METRIC VMON_OID_METRIC_NCOLS
#include "vmon-metrics.def"
    ,
    VMON_DOMAIN_METRIC_NCOLS = 0
#define VMON_DOMAIN_METRIC VMON_OID_METRIC_NCOLS
#include "vmon-metrics.def"
    ,
    VMON_VCPU_METRIC_NCOLS = 0
#define VMON_VCPU_METRIC VMON_OID_METRIC_NCOLS
#include "vmon-metrics.def"
    ,
    VMON_DISK_METRIC_NCOLS = 0
#define VMON_DISK_METRIC VMON_OID_METRIC_NCOLS
#include "vmon-metrics.def"
    ,
    VMON_NIC_METRIC_NCOLS = 0
#define VMON_NIC_METRIC VMON_OID_METRIC_NCOLS
#include "vmon-metrics.def"
    ,
    VMON_POOL_METRIC_NCOLS = 0
#define VMON_POOL_METRIC VMON_OID_METRIC_NCOLS
#include "vmon-metrics.def"
    ,
    VMON_FS_METRIC_NCOLS = 0
#define VMON_FS_METRIC VMON_OID_METRIC_NCOLS
#include "vmon-metrics.def"
};
#undef VMON_OID_METRIC_NCOLS

/* Every readable column of each table: identity columns after the index
 * (column 1, not accessible), then the metric columns. */
#define VMON_DOMAIN_NCOLS (VMON_DCOL__LAST_IDENTITY - VMON_DCOL_NAME + 1 + VMON_DOMAIN_METRIC_NCOLS)
#define VMON_VCPU_NCOLS   (VMON_VCOL_DOMAIN_NAME - 1 + VMON_VCPU_METRIC_NCOLS)
#define VMON_DISK_NCOLS   (VMON_KCOL__LAST_IDENTITY - 1 + VMON_DISK_METRIC_NCOLS)
#define VMON_NIC_NCOLS    (VMON_NCOL__LAST_IDENTITY - 1 + VMON_NIC_METRIC_NCOLS)
#define VMON_POOL_NCOLS   (VMON_PCOL__LAST_IDENTITY - 1 + VMON_POOL_METRIC_NCOLS)
#define VMON_FS_NCOLS     (VMON_FCOL__LAST_IDENTITY - 1 + VMON_FS_METRIC_NCOLS)

/* libvirt-snmp's LIBVIRT-MIB, served for compatibility (not ours) */
#define VMON_OID_LIBVIRT_MIB        1, 3, 6, 1, 4, 1, 36957
#define VMON_OID_LIBVIRT_GUEST_TABLE VMON_OID_LIBVIRT_MIB, 1, 1
#define VMON_OID_LIBVIRT_GUEST_NOTIF VMON_OID_LIBVIRT_MIB, 0, 1

#endif
