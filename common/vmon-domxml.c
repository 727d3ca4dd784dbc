#include "vmon-domxml.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "vmon-snapshot.h"
#include "vmon-util.h"

static char *
xpath_string(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
    ctx->node = node;
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *) expr, ctx);
    char *out = NULL;

    if (obj && obj->type == XPATH_NODESET && obj->nodesetval && obj->nodesetval->nodeNr > 0) {
        xmlChar *s = xmlNodeGetContent(obj->nodesetval->nodeTab[0]);
        if (s && *s)
            out = vmon_strdup((const char *) s);
        xmlFree(s);
    }
    xmlXPathFreeObject(obj);
    return out;
}

static xmlXPathObjectPtr
xpath_nodes(xmlXPathContextPtr ctx, const char *expr)
{
    ctx->node = xmlDocGetRootElement(ctx->doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *) expr, ctx);

    if (obj && (obj->type != XPATH_NODESET || !obj->nodesetval)) {
        xmlXPathFreeObject(obj);
        return NULL;
    }
    return obj;
}

static unsigned
to_unsigned(char *s)
{
    unsigned v = s ? (unsigned) strtoul(s, NULL, 10) : 0;

    free(s);
    return v;
}

/* A value cut to VMON_LABEL_VALUE_MAX bytes, not inside a UTF-8 sequence. */
static void
cut_value(char *v)
{
    size_t n = strlen(v);

    if (n <= VMON_LABEL_VALUE_MAX)
        return;
    n = VMON_LABEL_VALUE_MAX;
    while (n > 0 && ((unsigned char) v[n] & 0xc0) == 0x80)
        n--;
    v[n] = '\0';
}

static bool
has_label(const struct vmon_domxml *x, const char *name)
{
    return vmon_label_find(x->labels, x->nlabels, name) != NULL;
}

/*
 * Each declared label as an XPath under /domain/metadata, its namespace
 * bound to a prefix of its own ("l3"): two declarations may use the same
 * element names in different namespaces.
 */
static void
read_labels(xmlXPathContextPtr ctx, xmlNodePtr root, const struct vmon_label_defs *defs,
            struct vmon_domxml *x)
{
    for (size_t i = 0; defs && i < defs->n; i++) {
        const struct vmon_label_def *d = &defs->defs[i];
        if (has_label(x, d->name))
            continue;
        char prefix[32], expr[1024];
        size_t at = (size_t) snprintf(expr, sizeof(expr), "/domain/metadata");
        snprintf(prefix, sizeof(prefix), "l%zu", i);
        xmlXPathRegisterNs(ctx, (const xmlChar *) prefix, (const xmlChar *) d->ns);
        for (size_t j = 0; j < d->nsteps && at < sizeof(expr); j++)
            at += (size_t) snprintf(expr + at, sizeof(expr) - at, "/%s:%s", prefix, d->steps[j]);
        if (d->attribute && at < sizeof(expr))
            at += (size_t) snprintf(expr + at, sizeof(expr) - at, "/@%s", d->attribute);
        if (at >= sizeof(expr))
            continue;
        char *value = xpath_string(ctx, root, expr);
        if (!value)
            continue;   /* a missing element is an absent label */
        cut_value(value);
        x->labels = vmon_realloc_array(x->labels, x->nlabels + 1, sizeof(*x->labels));
        x->labels[x->nlabels++] = (struct vmon_label) { vmon_strdup(d->name),
                                                                     value };
    }
}

struct vmon_domxml *
vmon_domxml_parse(const char *xml, const struct vmon_label_defs *labels)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int) strlen(xml), "domain.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        vmon_error_set("domain XML does not parse");
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    struct vmon_domxml *x = vmon_alloc(sizeof(*x));
    x->refs = 1;
    xmlNodePtr root = xmlDocGetRootElement(doc);

    x->os_type = xpath_string(ctx, root, "/domain/os/type");
    x->title = xpath_string(ctx, root, "/domain/title");
    x->description = xpath_string(ctx, root, "/domain/description");
    read_labels(ctx, root, labels, x);
    x->vcpu_max = to_unsigned(xpath_string(ctx, root, "/domain/vcpu"));
    x->vcpu_current = to_unsigned(xpath_string(ctx, root, "/domain/vcpu/@current"));
    if (!x->vcpu_current)
        x->vcpu_current = x->vcpu_max;

    /* disks: CD-ROMs and floppies have no stats worth polling when empty */
    xmlXPathObjectPtr disks = xpath_nodes(ctx, "/domain/devices/disk[target/@dev]");
    for (int i = 0; disks && i < disks->nodesetval->nodeNr; i++) {
        xmlNodePtr n = disks->nodesetval->nodeTab[i];
        char *target = xpath_string(ctx, n, "target/@dev");
        static const char *const sources[] = { "source/@file", "source/@dev", "source/@name",
                                               "source/@volume" };
        char *source = NULL;
        for (size_t k = 0; k < sizeof(sources) / sizeof(sources[0]) && !source; k++)
            source = xpath_string(ctx, n, sources[k]);
        x->disks = vmon_realloc_array(x->disks, x->ndisks + 1, sizeof(*x->disks));
        x->disks[x->ndisks++] = (struct vmon_domxml_disk) {
            target, source, xpath_string(ctx, n, "target/@bus"), xpath_string(ctx, n, "serial"),
        };
    }
    xmlXPathFreeObject(disks);

    xmlXPathObjectPtr nics = xpath_nodes(ctx, "/domain/devices/interface");
    for (int i = 0; nics && i < nics->nodesetval->nodeNr; i++) {
        xmlNodePtr n = nics->nodesetval->nodeTab[i];
        struct vmon_domxml_nic nic = {
            .target = xpath_string(ctx, n, "target/@dev"),
            .alias = xpath_string(ctx, n, "alias/@name"),
            .model = xpath_string(ctx, n, "model/@type"),
        };
        /* what it is plugged into, whichever the interface type names */
        static const char *const sources[] = { "source/@bridge", "source/@network", "source/@dev",
                                               "source/@name" };
        for (size_t k = 0; k < sizeof(sources) / sizeof(sources[0]) && !nic.source; k++)
            nic.source = xpath_string(ctx, n, sources[k]);
        char *mac = xpath_string(ctx, n, "mac/@address");
        if (mac)
            snprintf(nic.mac, sizeof(nic.mac), "%s", mac);
        free(mac);
        x->nics = vmon_realloc_array(x->nics, x->nnics + 1, sizeof(*x->nics));
        x->nics[x->nnics++] = nic;
    }
    xmlXPathFreeObject(nics);

    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return x;
}

struct vmon_domxml *
vmon_domxml_ref(struct vmon_domxml *x)
{
    return x ? (vmon_ref_get(&x->refs), x) : NULL;
}

VMON_STRINGS(xml_strings, struct vmon_domxml, os_type, title, description);
VMON_STRINGS(disk_strings, struct vmon_domxml_disk, target, source, bus, serial);
VMON_STRINGS(nic_strings, struct vmon_domxml_nic, target, alias, source, model);

void
vmon_domxml_free(struct vmon_domxml *x)
{
    if (!x || !vmon_ref_put(&x->refs))
        return;
    vmon_strings_array_free(x->disks, x->ndisks, sizeof(*x->disks), &disk_strings);
    vmon_strings_array_free(x->nics, x->nnics, sizeof(*x->nics), &nic_strings);
    vmon_strings_free(x, &xml_strings);
    vmon_labels_free(x->labels, x->nlabels);
    free(x);
}
