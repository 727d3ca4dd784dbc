/*
 * Each domain's parsed XML, kept across polls: fetched on the poll's own
 * thread (virDomainGetXMLDesc never waits on a guest), again when the
 * domain restarts (a running domain's XML names its tap devices) or when
 * an event says it changed.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vmon-collect-priv.h"
#include "vmon-util.h"

struct xml_entry {
    unsigned char uuid[16];
    int id;                       /* XML of a running domain names its tap devices */
    bool listed;                  /* in this poll's domain list */
    struct vmon_domxml *xml;
};

struct vmon_xmlcache {
    struct xml_entry *xml;        /* sorted by uuid */
    size_t nxml;

    struct vmon_label_defs *labels;   /* which labels each document gives */
    uint64_t fetches;                 /* virDomainGetXMLDesc calls that answered */

    pthread_mutex_t dirty_lock;   /* the event thread marks, the poll drains */
    unsigned char (*dirty)[16];
    size_t ndirty;
};

struct vmon_xmlcache *
vmon_xmlcache_new(const struct vmon_label_defs *labels)
{
    struct vmon_xmlcache *x = vmon_alloc(sizeof(*x));

    x->labels = vmon_label_defs_copy(labels);
    pthread_mutex_init(&x->dirty_lock, NULL);
    return x;
}

void
vmon_xmlcache_forget(struct vmon_xmlcache *x)
{
    for (size_t i = 0; i < x->nxml; i++)
        vmon_domxml_free(x->xml[i].xml);
    free(x->xml);
    x->xml = NULL;
    x->nxml = 0;
}

void
vmon_xmlcache_free(struct vmon_xmlcache *x)
{
    if (!x)
        return;
    pthread_mutex_destroy(&x->dirty_lock);
    free(x->dirty);
    vmon_xmlcache_forget(x);
    vmon_label_defs_free(x->labels);
    free(x);
}

void
vmon_xmlcache_invalidate(struct vmon_xmlcache *x, const unsigned char uuid[16])
{
    pthread_mutex_lock(&x->dirty_lock);
    if (x->ndirty < 65536) {
        x->dirty = vmon_realloc_array(x->dirty, x->ndirty + 1, sizeof(*x->dirty));
        memcpy(x->dirty[x->ndirty++], uuid, 16);
    }
    pthread_mutex_unlock(&x->dirty_lock);
}

static int
compare_xml(const void *a, const void *b)
{
    return memcmp(((const struct xml_entry *) a)->uuid, ((const struct xml_entry *) b)->uuid, 16);
}

static struct xml_entry *
find_xml(struct vmon_xmlcache *x, const unsigned char uuid[16])
{
    struct xml_entry key;

    memcpy(key.uuid, uuid, 16);
    return bsearch(&key, x->xml, x->nxml, sizeof(*x->xml), compare_xml);
}

static void
drain_dirty(struct vmon_xmlcache *x)
{
    pthread_mutex_lock(&x->dirty_lock);
    for (size_t i = 0; i < x->ndirty; i++) {
        struct xml_entry *e = find_xml(x, x->dirty[i]);
        if (e) {
            vmon_domxml_free(e->xml);
            e->xml = NULL;
        }
    }
    x->ndirty = 0;
    pthread_mutex_unlock(&x->dirty_lock);
}

static struct xml_entry *
xml_slot(struct vmon_xmlcache *x, virDomainPtr dom, const unsigned char uuid[16], bool *added)
{
    struct xml_entry *e = find_xml(x, uuid);
    int id = (int) virDomainGetID(dom);

    if (e) {
        if (e->id != id) {
            vmon_domxml_free(e->xml);
            e->xml = NULL;
            e->id = id;
        }
        return e;
    }
    x->xml = vmon_realloc_array(x->xml, x->nxml + 1, sizeof(*x->xml));
    e = &x->xml[x->nxml++];
    memcpy(e->uuid, uuid, 16);
    e->id = id;
    e->xml = NULL;
    *added = true;
    return e;
}

/* Forget the XML of domains that are gone (transient ones come and go for good). */
static void
prune_xml(struct vmon_xmlcache *x, const struct vmon_domain *doms, size_t count)
{
    if (x->nxml <= count)
        return;
    for (size_t i = 0; i < x->nxml; i++)
        x->xml[i].listed = false;
    for (size_t j = 0; j < count; j++) {
        struct xml_entry *e = find_xml(x, doms[j].uuid);
        if (e)
            e->listed = true;
    }
    size_t kept = 0;    /* compacting keeps the order, so the array stays sorted */
    for (size_t i = 0; i < x->nxml; i++) {
        if (x->xml[i].listed)
            x->xml[kept++] = x->xml[i];
        else
            vmon_domxml_free(x->xml[i].xml);
    }
    x->nxml = kept;
}

void
vmon_xmlcache_fetch(struct vmon_xmlcache *x, virDomainPtr *doms,
                    const struct vmon_domain *identity, size_t count, struct vmon_domxml **xml)
{
    bool added = false;

    drain_dirty(x);
    for (size_t i = 0; i < count; i++)
        xml_slot(x, doms[i], identity[i].uuid, &added);
    if (added)
        qsort(x->xml, x->nxml, sizeof(*x->xml), compare_xml);
    prune_xml(x, identity, count);
    for (size_t i = 0; i < count; i++) {
        struct xml_entry *e = find_xml(x, identity[i].uuid);
        if (!e->xml) {
            char *text = virDomainGetXMLDesc(doms[i], 0);
            if (text) {
                x->fetches++;
                e->xml = vmon_domxml_parse(text, x->labels);
                free(text);
            }
        }
        xml[i] = e->xml;
    }
}

uint64_t
vmon_xmlcache_fetches(const struct vmon_xmlcache *x)
{
    return x->fetches;
}
