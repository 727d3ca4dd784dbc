/*
 * The SNMP face's internal interface.  Every function here runs on the one
 * thread that owns net-snmp; only the core's source (a libvirt poller, or a
 * feed from virtmond) runs elsewhere, reached through vmon-source.h.
 */
#ifndef VMON_SNMP_H
#define VMON_SNMP_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdbool.h>
#include <stdint.h>

#include "vmon-complain.h"
#include "vmon-metrics.h"
#include "vmon-options.h"
#include "vmon-source.h"
#include "vmon-snapshot.h"

#define VMON_SNMP_APP "virtmon"   /* net-snmp application type: virtmon.conf */

/* ---- vmon-snmp-ctx.c: the agent's state ------------------------------- */
struct vmon_snmp_ctx {
    struct vmon_options opts;     /* filled by the config handlers */
    bool compat;                  /* serve libvirt-snmp's LIBVIRT-MIB too */
    bool agentx_direct;           /* reads skip net-snmp's internal hop */
    bool config_failed;           /* a config line was rejected: do not start */
    bool config_unknown;          /* ...one of them net-snmp only warned of */
    struct vmon_source *src;      /* the open source, or NULL */
    struct vmon_snapshot *snap;   /* the snapshot being served (one reference) */
};
extern struct vmon_snmp_ctx vmon_snmp;

/* net-snmp's log, as a vmon_log_fn (vmon-complain.h) */
void vmon_snmp_log(int priority, const char *line);

/* The latest published snapshot (borrowed; NULL before the first poll). */
const struct vmon_snapshot *vmon_snmp_snapshot(void);
void vmon_snmp_ctx_clear(void);

/* ---- vmon-snmp-config.c ------------------------------------------------ */
void vmon_snmp_config_register(void);

/* ---- vmon-snmp-cpus.c: answerCpus --------------------------------------- */
/* A CPU list ("0", "0-3", "0,2"): 0, or -1 with err saying what is wrong. */
int vmon_snmp_cpus_parse(const char *text, char *err, size_t errlen);
/* If answerCpus was given: before any thread starts, move the calling
 * thread, and so every thread started from here on, to the process's
 * other CPUs (if it has any others) ... */
int vmon_snmp_cpus_leave(char *err, size_t errlen);
/* ... and once they exist, pin the calling thread (the one answering snmpd) there. */
int vmon_snmp_cpus_apply(char *err, size_t errlen);

/* ---- vmon-snmp-direct.c: Get and GetNext without the internal hop ---- */
/* Before init_snmp(): takes over each AgentX session to the master as it opens. */
void vmon_snmp_direct_init(void);
/* Before snmp_shutdown(): hands the session back and closes the direct one. */
void vmon_snmp_direct_shutdown(void);

/* ---- vmon-snmp-value.c: metrics as varbinds ---------------------------- */
enum vmon_snmp_what {
    VMON_SNMP_VALUE,
    VMON_SNMP_RATE,
    VMON_SNMP_WIN_MIN,
    VMON_SNMP_WIN_AVG,
    VMON_SNMP_WIN_MAX,
};
struct vmon_snmp_colref {
    const struct vmon_metric_desc *desc;
    enum vmon_snmp_what what;
};
/* Builds the column maps from the metric table; -1 if two metrics share a column. */
int vmon_snmp_columns_init(void);
/* The metric behind column col of scope's table (or node scalar), or NULL. */
const struct vmon_snmp_colref *vmon_snmp_column(enum vmon_scope scope, unsigned col);
/* Metric columns of scope in ascending order, the first max of them into
 * cols; returns how many there are (more than max: some were left out). */
size_t vmon_snmp_metric_columns(enum vmon_scope scope, unsigned *cols, size_t max);
/* The ASN type the agent sends for a column (ASN_COUNTER64 or ASN_GAUGE). */
u_char vmon_snmp_column_type(const struct vmon_snmp_colref *ref);
/*
 * Put the value into vb.  m is the entity's metric array, win its window
 * array (NULL outside the domain scope).  0, or -1 when there is no value.
 */
int vmon_snmp_column_value(const struct vmon_snmp_colref *ref, const struct vmon_value *m,
                           const struct vmon_window_stat *win, netsnmp_variable_list *vb);
/* Helpers for the fixed columns. */
void vmon_snmp_set_string(netsnmp_variable_list *vb, const char *s);
/* A VirtmonUtf8String (titles, labels): at most 255 octets, cut between characters. */
#define VMON_SNMP_UTF8_MAX 255
void vmon_snmp_set_utf8(netsnmp_variable_list *vb, const char *s);
void vmon_snmp_set_int(netsnmp_variable_list *vb, long v);
void vmon_snmp_set_gauge(netsnmp_variable_list *vb, uint64_t v);   /* saturates */
void vmon_snmp_set_counter64(netsnmp_variable_list *vb, uint64_t v);
void vmon_snmp_set_truth(netsnmp_variable_list *vb, bool v);

/* ---- vmon-snmp-table.c: a table served from the snapshot --------------- */
struct vmon_snmp_decode;        /* how a writable table's SETs become actions, below */
#define VMON_SNMP_MAX_INDEX 48      /* UUID (16) + device number, or + a label name (32) */

struct vmon_snmp_row {
    netsnmp_index idx;              /* first: the container sorts on it */
    oid sub[VMON_SNMP_MAX_INDEX];
    const struct vmon_domain *dom;
    const void *dev;                /* vcpu, disk or NIC; NULL for a domain row */
    unsigned num;
};

struct vmon_snmp_table;
typedef void vmon_snmp_fill_fn(struct vmon_snmp_table *t, const struct vmon_snapshot *snap);
/* 0 with vb set, or -1 when the row has no value in that column. */
typedef int vmon_snmp_get_fn(const struct vmon_snmp_row *row, unsigned col,
                             netsnmp_variable_list *vb);

struct vmon_snmp_table_def {
    const char *name;
    const oid *oid;
    size_t oid_len;
    const unsigned *cols;           /* every readable/writable column, ascending */
    size_t ncols;
    vmon_snmp_fill_fn *fill;
    vmon_snmp_get_fn *get;
    const struct vmon_snmp_decode *decode;   /* NULL: read-only; else SETs act */
};

struct vmon_snmp_table *vmon_snmp_table_register(const struct vmon_snmp_table_def *def);
void vmon_snmp_table_free(struct vmon_snmp_table *t);
/* For fill(): one row whose index is uuid[16] followed by nsub extra sub-ids. */
void vmon_snmp_table_add(struct vmon_snmp_table *t, const struct vmon_domain *dom,
                         const void *dev, unsigned num, const oid *extra, size_t nextra,
                         bool with_uuid);
/* The row a request is about (table_container found it), or NULL. */
const struct vmon_snmp_row *vmon_snmp_table_row(netsnmp_request_info *request);
/* fill() of a table with one row per domain. */
void vmon_snmp_table_fill_domains(struct vmon_snmp_table *t, const struct vmon_snapshot *snap);
/* Columns: ids first..last, then the metric columns of scope; ncols, or 0
 * (logged) when that is not exactly how many there are. */
size_t vmon_snmp_table_cols(unsigned *cols, size_t ncols, unsigned first, unsigned last,
                            enum vmon_scope scope);

/* ---- the MIB parts ------------------------------------------------------ */
int vmon_snmp_scalars_init(void);
int vmon_snmp_states_init(void);
int vmon_snmp_domain_init(void);
int vmon_snmp_vcpu_init(void);
int vmon_snmp_disk_init(void);
int vmon_snmp_nic_init(void);
int vmon_snmp_pool_init(void);
int vmon_snmp_fs_init(void);
int vmon_snmp_label_init(void);
int vmon_snmp_compat_init(void);
void vmon_snmp_tables_shutdown(void);
/* Move every table to the newest snapshot now, letting go of the old one
 * (an alarm calls this each interval, so an idle agent pins no stale
 * snapshot besides the newest). */
void vmon_snmp_tables_refresh(unsigned int alarm_reg, void *unused);

/* ---- vmon-snmp-action.c: SET phases shared by both MIBs ---------------- */
/*
 * decode() turns one varbind of a RESERVE1 into an action: returns
 * SNMP_ERR_NOERROR and *action, or the SNMP error to answer with.
 * VMON_ACTION_NONE with no error: the varbind is part of another one's
 * action (LIBVIRT-MIB's State next to a createAndGo).  all: every varbind
 * this SET has for the table, for such pairs.
 */
typedef int vmon_snmp_decode_fn(const struct vmon_snmp_row *row, unsigned col,
                                const netsnmp_variable_list *vb, netsnmp_request_info *all,
                                enum vmon_action *action);
struct vmon_snmp_decode {
    vmon_snmp_decode_fn *fn;
};
int vmon_snmp_action_handle(netsnmp_agent_request_info *reqinfo,
                            netsnmp_request_info *requests, vmon_snmp_decode_fn *decode);
/*
 * The actions a SET may ask for (bits 1u << enum vmon_action): allowActions,
 * and when reading virtmond, only those virtmond also allows.
 */
unsigned vmon_snmp_allowed_actions(void);
/* Whether a is allowed and sensible for dom: SNMP error or SNMP_ERR_NOERROR. */
int vmon_snmp_action_check(const struct vmon_domain *dom, enum vmon_action a);

/* ---- vmon-snmp-notify.c: notifications to the master, paced ----------- */
/* Whether an AgentX session to the master is open. */
bool vmon_snmp_notify_connected(void);
/* Whether n more notifications may go now (few enough are unanswered). */
bool vmon_snmp_notify_room(unsigned n);
/* Sends snmpTrapOID.0 and the rest (vars stays the caller's): 0, or -1. */
int vmon_snmp_notify_send(netsnmp_variable_list *vars);
/* fn is called when room comes back after the window was full. */
typedef void vmon_snmp_notify_room_fn(void);
void vmon_snmp_notify_on_room(vmon_snmp_notify_room_fn *fn);
/* Notifications sent that the master refused or never answered. */
uint64_t vmon_snmp_notify_failed(void);
/* Logs a kept end of the failures' complaint when its time comes, or now. */
void vmon_snmp_notify_tick(void);
void vmon_snmp_notify_flush(void);

/* ---- vmon-snmp-traps.c ---------------------------------------------------- */
/* From serve(): drain the source's events into notifications, paced. */
void vmon_snmp_traps_start(void);
/* Before init_snmp(): net-snmp's warning at each reconnection attempt off
 * (the agent says the master's loss and return once itself). */
void vmon_snmp_traps_quiet(void);
void vmon_snmp_traps_stop(void);
/* Events that became no notification: the source's queue overflowed, no
 * master was connected, or the master did not take one. */
uint64_t vmon_snmp_traps_dropped(void);

/* ---- helpers -------------------------------------------------------------- */
void vmon_snmp_uuid_to_oid(const unsigned char uuid[16], oid *out);

#endif
