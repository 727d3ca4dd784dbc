/*
 * A MIB table served from the core's snapshot, on net-snmp's own helpers:
 *
 *   refresh handler  ->  table helper  ->  table_container  ->  our handler
 *
 * The refresh handler rebuilds the rows only when the poller has published
 * a newer snapshot, so a walk costs a binary search per varbind and never
 * a libvirt call.  The rows point into the snapshot they were built from,
 * and the table keeps a reference to it until the next rebuild.
 *
 * Why not net-snmp's cache helper: it files itself in every request under
 * a name it sprintf()s from the registration's OID, one sub-identifier at
 * a time; callgrind put that at 8% of the agent's instructions per varbind
 * over AgentX, while the question it answers ("is there a newer
 * snapshot?") is one comparison here.
 *
 * Why the index is declared as one implied OBJECT IDENTIFIER: VIRTMON-MIB
 * indexes by a fixed-length 16-octet UUID (16 sub-identifiers, no length
 * prefix, RFC 2578 7.7) followed by a device number, and net-snmp's index
 * parser knows fixed-length strings only as the last, IMPLIED index.  We
 * build each row's index OID ourselves; the table helper only has to
 * accept any suffix, which an implied OID does, and table_container finds
 * rows by comparing those OIDs, which is exactly SNMP's ordering.
 */
#include "vmon-snmp.h"

#include <string.h>

#define VMON_MAX_TABLES 12

struct vmon_snmp_table {
    struct vmon_snmp_table_def def;
    netsnmp_container *container;
    netsnmp_handler_registration *reg;
    struct vmon_snmp_row *rows;
    size_t nrows, cap;
    struct vmon_snapshot *snap;   /* what rows point into */
    uint64_t seq;
};

static struct vmon_snmp_table *tables[VMON_MAX_TABLES];

void
vmon_snmp_table_add(struct vmon_snmp_table *t, const struct vmon_domain *dom, const void *dev,
                    unsigned num, const oid *extra, size_t nextra, bool with_uuid)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->rows = realloc(t->rows, t->cap * sizeof(*t->rows));
        if (!t->rows) {
            snmp_log(LOG_ERR, "out of memory building %s\n", t->def.name);
            abort();
        }
    }
    struct vmon_snmp_row *r = &t->rows[t->nrows++];
    size_t len = 0;

    memset(r, 0, sizeof(*r));
    if (with_uuid) {
        vmon_snmp_uuid_to_oid(dom->uuid, r->sub);
        len = 16;
    }
    for (size_t i = 0; i < nextra && len < VMON_SNMP_MAX_INDEX; i++)
        r->sub[len++] = extra[i];
    r->idx.len = len;
    r->dom = dom;
    r->dev = dev;
    r->num = num;
}

void
vmon_snmp_table_fill_domains(struct vmon_snmp_table *t, const struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++)
        vmon_snmp_table_add(t, &snap->domains[i], NULL, 0, NULL, 0, true);
}

static void
rebuild(struct vmon_snmp_table *t, struct vmon_snapshot *snap)
{
    /* empty the container before the rows it points to go away */
    CONTAINER_CLEAR(t->container, NULL, NULL);
    t->nrows = 0;
    if (snap)
        t->def.fill(t, snap);
    for (size_t i = 0; i < t->nrows; i++) {
        t->rows[i].idx.oids = t->rows[i].sub;   /* only now: fill() may have moved them */
        if (CONTAINER_INSERT(t->container, &t->rows[i]) != 0)
            snmp_log(LOG_WARNING, "%s: duplicate row index dropped\n", t->def.name);
    }
    if (snap)
        vmon_snapshot_ref(snap);
    vmon_snapshot_unref(t->snap);
    t->snap = snap;
    t->seq = snap ? snap->seq : 0;
}

/*
 * Every table moves to the new snapshot together.  A table left behind
 * (nobody walked it lately) would pin its old snapshot, ~3 MiB per 1000
 * domains, and with seven tables that was most of the agent's own memory.
 * Rows are rebuilt, never patched, so this is safe between two varbinds:
 * a handler copies a row's values into its varbind before returning.
 */
static void
catch_up(struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < VMON_MAX_TABLES; i++)
        if (tables[i] && (!tables[i]->snap || tables[i]->seq != snap->seq))
            rebuild(tables[i], snap);
}

void
vmon_snmp_tables_refresh(unsigned int alarm_reg, void *unused)
{
    (void) alarm_reg;
    (void) unused;
    const struct vmon_snapshot *snap = vmon_snmp_snapshot();
    if (snap)
        catch_up((struct vmon_snapshot *) snap);
}

/* Top of the table's handler chain: newer snapshot, newer rows; then on down. */
static int
refresh_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    struct vmon_snmp_table *t = handler->myvoid;

    /* a SET judges and acts on the rows its RESERVE1 found: no swap in between */
    if (reqinfo->mode == MODE_GET || reqinfo->mode == MODE_GETNEXT
        || reqinfo->mode == MODE_GETBULK || reqinfo->mode == MODE_SET_RESERVE1) {
        const struct vmon_snapshot *snap = vmon_snmp_snapshot();
        if (snap && (!t->snap || snap->seq != t->seq))
            catch_up((struct vmon_snapshot *) snap);
    }
    return netsnmp_call_next_handler(handler, reginfo, reqinfo, requests);
}

const struct vmon_snmp_row *
vmon_snmp_table_row(netsnmp_request_info *request)
{
    return (const struct vmon_snmp_row *) netsnmp_container_table_row_extract(request);
}

static int
table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
              netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    struct vmon_snmp_table *t = handler->myvoid;

    if (reqinfo->mode != MODE_GET) {
        if (t->def.decode)
            return vmon_snmp_action_handle(reqinfo, requests, t->def.decode->fn);
        return SNMP_ERR_NOERROR;
    }
    for (netsnmp_request_info *r = requests; r; r = r->next) {
        if (r->processed)
            continue;
        const struct vmon_snmp_row *row = vmon_snmp_table_row(r);
        netsnmp_table_request_info *ti = netsnmp_extract_table_info(r);

        /* absent values: the table helper turns these into a retry on GETNEXT */
        if (!row || !ti || t->def.get(row, ti->colnum, r->requestvb) < 0)
            netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
    }
    return SNMP_ERR_NOERROR;
}

struct vmon_snmp_table *
vmon_snmp_table_register(const struct vmon_snmp_table_def *def)
{
    struct vmon_snmp_table *t = calloc(1, sizeof(*t));
    netsnmp_table_registration_info *tinfo = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
    /* list_count is a char in net-snmp 5.9: at most 127 columns in one list, so a
     * wider table chains several (netsnmp_closest_column walks the chain) */
    size_t nlists = (def->ncols + 126) / 127;
    netsnmp_column_info *ci = calloc(nlists ? nlists : 1, sizeof(*ci));
    unsigned *cols = malloc((def->ncols ? def->ncols : 1) * sizeof(*cols));
    netsnmp_mib_handler *h;

    if (!t || !tinfo || !ci || !cols)
        goto fail;
    t->def = *def;

    t->container = netsnmp_container_find("vmon_snmp_table:table_container");
    if (!t->container)
        goto fail;

    memcpy(cols, def->cols, def->ncols * sizeof(*cols));
    if (def->ncols == 0) {
        snmp_log(LOG_ERR, "%s: no columns\n", def->name);
        goto fail;
    }
    for (size_t k = 0; k < nlists; k++) {
        size_t first = k * 127, len = def->ncols - first < 127 ? def->ncols - first : 127;
        ci[k].isRange = 0;
        ci[k].details.list = cols + first;
        ci[k].list_count = (char) len;
        ci[k].next = k + 1 < nlists ? &ci[k + 1] : NULL;
    }
    tinfo->valid_columns = ci;
    tinfo->min_column = cols[0];
    tinfo->max_column = cols[def->ncols - 1];
    netsnmp_table_helper_add_indexes(tinfo, ASN_PRIV_IMPLIED_OBJECT_ID, 0);

    h = netsnmp_create_handler(def->name, table_handler);
    if (!h)
        goto fail;
    h->myvoid = t;
    t->reg = netsnmp_handler_registration_create(def->name, h, def->oid, def->oid_len,
                                                 def->decode ? HANDLER_CAN_RWRITE
                                                          : HANDLER_CAN_RONLY);
    if (!t->reg)
        goto fail;
    if (netsnmp_container_table_register(t->reg, tinfo, t->container,
                                         TABLE_CONTAINER_KEY_NETSNMP_INDEX) != SNMPERR_SUCCESS) {
        t->reg = NULL;   /* freed by the failed registration */
        goto fail;
    }
    netsnmp_mib_handler *refresh = netsnmp_create_handler("vmon_snmp_refresh", refresh_handler);
    if (!refresh)
        goto fail;
    refresh->myvoid = t;
    netsnmp_inject_handler(t->reg, refresh);
    for (size_t i = 0; i < VMON_MAX_TABLES; i++)
        if (!tables[i]) {
            tables[i] = t;
            break;
        }
    return t;

fail:
    snmp_log(LOG_ERR, "could not register %s\n", def->name);
    free(cols);
    free(ci);
    if (tinfo)
        netsnmp_table_registration_info_free(tinfo);
    if (t && t->container)
        CONTAINER_FREE(t->container);
    free(t);
    return NULL;
}

void
vmon_snmp_table_free(struct vmon_snmp_table *t)
{
    if (!t)
        return;
    /* net-snmp frees registrations at snmp_shutdown(); we drop our data */
    CONTAINER_CLEAR(t->container, NULL, NULL);
    vmon_snapshot_unref(t->snap);
    t->snap = NULL;
    free(t->rows);
    t->rows = NULL;
    t->nrows = t->cap = 0;
    /* t itself stays: net-snmp's handler chain still points at it until exit */
}

void
vmon_snmp_tables_shutdown(void)
{
    for (size_t i = 0; i < VMON_MAX_TABLES; i++) {
        vmon_snmp_table_free(tables[i]);
        tables[i] = NULL;
    }
}

size_t
vmon_snmp_table_cols(unsigned *cols, size_t ncols, unsigned first, unsigned last,
                     enum vmon_scope scope)
{
    size_t n = 0;

    for (unsigned c = first; c <= last && n < ncols; c++)
        cols[n++] = c;
    size_t metrics = vmon_snmp_metric_columns(scope, cols + n, ncols - n);
    if (n + metrics != ncols) {
        snmp_log(LOG_ERR, "%s table: %zu columns, sized for %zu (vmon-oid.h's count and the "
                 "metric table disagree)\n", vmon_scope_name(scope), n + metrics, ncols);
        return 0;
    }
    return ncols;
}
