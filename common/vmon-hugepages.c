/*
 * The host's huge page pool: what is reserved (node capabilities, per NUMA
 * cell and page size) and what of it is free (virNodeGetFreePages, summed
 * over the cells).  Reserved huge pages are not in the kernel's free memory,
 * so a host that sets them aside for its guests looks full unless they are
 * counted apart (vmon-rates.c takes the pool out of mem.percent).
 *
 * The capabilities are a large document libvirt builds on each call: the
 * pool's size is read once a minute and when free pages exceed it (the pool
 * grew), its free pages every poll.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vmon-collect.h"
#include "vmon-conn.h"
#include "vmon-util.h"

#define POOL_REREAD_SECONDS 60.0

/* The page sizes with metrics of their own: x86-64's and arm64's (4 KiB granule). */
static const struct {
    unsigned kib;
    int total, free;
} sized[] = {
    { 2048, VMON_NODE_HUGE_2M_TOTAL, VMON_NODE_HUGE_2M_FREE },
    { 1048576, VMON_NODE_HUGE_1G_TOTAL, VMON_NODE_HUGE_1G_FREE },
};

static unsigned long long
attr_ull(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *) name);
    unsigned long long n = v ? strtoull((const char *) v, NULL, 10) : 0;

    xmlFree(v);
    return n;
}

static void
add_pool(struct vmon_hugepool *pool, unsigned kib, unsigned long long pages)
{
    for (size_t i = 0; i < pool->nsizes; i++)
        if (pool->kib[i] == kib) {
            pool->total[i] += pages;
            return;
        }
    if (pool->nsizes < VMON_ARRAY_SIZE(pool->kib)) {
        pool->kib[pool->nsizes] = kib;
        pool->total[pool->nsizes++] = pages;
    }
}

/* The sizes of one cell's <pages> children above its smallest (the ordinary page). */
static void
add_cell(struct vmon_hugepool *pool, xmlNodePtr cell)
{
    unsigned smallest = 0;

    for (xmlNodePtr n = cell->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, (const xmlChar *) "pages")) {
            unsigned kib = (unsigned) attr_ull(n, "size");
            if (kib && (!smallest || kib < smallest))
                smallest = kib;
        }
    for (xmlNodePtr n = cell->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, (const xmlChar *) "pages"))
            continue;
        unsigned kib = (unsigned) attr_ull(n, "size");
        if (kib <= smallest)
            continue;
        xmlChar *text = xmlNodeGetContent(n);
        add_pool(pool, kib, text ? strtoull((const char *) text, NULL, 10) : 0);
        xmlFree(text);
    }
}

/* Every NUMA cell's huge pages; false when the capabilities have no topology. */
static bool
read_pool(virConnectPtr conn, struct vmon_hugepool *pool)
{
    char *xml = virConnectGetCapabilities(conn);
    xmlDocPtr doc = xml ? xmlReadMemory(xml, (int) strlen(xml), "capabilities.xml", NULL,
                                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                        : NULL;
    xmlXPathContextPtr ctx = doc ? xmlXPathNewContext(doc) : NULL;
    xmlXPathObjectPtr cells = ctx ? xmlXPathEvalExpression(
        (const xmlChar *) "/capabilities/host/topology/cells/cell", ctx) : NULL;
    bool found = cells && cells->type == XPATH_NODESET && cells->nodesetval &&
                 cells->nodesetval->nodeNr > 0;

    memset(pool, 0, sizeof(*pool));
    for (int i = 0; found && i < cells->nodesetval->nodeNr; i++)
        add_cell(pool, cells->nodesetval->nodeTab[i]);
    xmlXPathFreeObject(cells);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    free(xml);
    return found;
}

void
vmon_hugepages_collect(virConnectPtr conn, struct vmon_caps *caps, struct vmon_node *node)
{
    struct vmon_hugepool *pool = &caps->hugepool;
    double now = vmon_now_mono();

    if (caps->no_hugepages)
        return;
    if (!pool->read_at || now - pool->read_at >= POOL_REREAD_SECONDS) {
        if (!read_pool(conn, pool)) {
            caps->no_hugepages = true;
            return;
        }
        pool->read_at = now;
    }
    unsigned long long free_pages[VMON_ARRAY_SIZE(pool->kib)] = { 0 };
    if (pool->nsizes &&
        virNodeGetFreePages(conn, (unsigned) pool->nsizes, pool->kib, -1, 1, free_pages, 0) < 0) {
        caps->no_hugepages = vmon_virt_unsupported();
        return;
    }
    uint64_t total_kib = 0, free_kib = 0;
    for (size_t i = 0; i < pool->nsizes; i++) {
        /* more free than reserved: the pool grew since it was read (or the
         * test driver, which invents free counts); never more than the pool */
        if (free_pages[i] > pool->total[i]) {
            free_pages[i] = pool->total[i];
            pool->read_at = 0;
        }
        total_kib += pool->total[i] * pool->kib[i];
        free_kib += free_pages[i] * pool->kib[i];
        for (size_t k = 0; k < VMON_ARRAY_SIZE(sized); k++)
            if (sized[k].kib == pool->kib[i]) {
                vmon_value_set(&node->m[sized[k].total], pool->total[i]);
                vmon_value_set(&node->m[sized[k].free], free_pages[i]);
            }
    }
    vmon_value_set(&node->m[VMON_NODE_HUGE_TOTAL], total_kib);
    vmon_value_set(&node->m[VMON_NODE_HUGE_FREE], free_kib);
}
