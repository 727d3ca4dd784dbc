/*
 * Domain labels: values an admin declares once, read from each domain's
 * XML (its <metadata> elements, in the site's own XML namespace, or the
 * built-in "nova" preset for OpenStack Nova's nova:instance) and carried
 * on every domain of a snapshot next to its <title> and <description>.
 *
 * A declaration is "NAME NAMESPACE-URI PATH" (or "nova"): PATH names an
 * element under /domain/metadata, steps separated by '/', each an XML
 * name in that namespace, the last optionally "@attribute" (unqualified,
 * as Nova writes flavor/@name).  "site https://example.org/ns/1 vm/team"
 * reads <metadata><x:vm xmlns:x="https://example.org/ns/1"><x:team>.
 */
#ifndef VMON_LABELS_H
#define VMON_LABELS_H

#include <stddef.h>

#define VMON_LABEL_NAME_MAX 32
/* values are cut there: a label is a tag, not a document */
#define VMON_LABEL_VALUE_MAX 255

struct vmon_label_def {
    char *name;       /* [A-Za-z0-9_.-]{1,32} */
    char *ns;         /* namespace URI */
    char **steps;     /* element names, in order */
    size_t nsteps;
    char *attribute;  /* NULL: the last element's text */
};

struct vmon_label_defs {
    struct vmon_label_def *defs;   /* a name may repeat: the first found wins */
    size_t n;
};

/*
 * Adds the declaration in text to *defs (allocated on first use): 0, or
 * -1 with vmon_error_last() saying what is wrong with it.
 */
int vmon_label_defs_add(struct vmon_label_defs **defs, const char *text);
struct vmon_label_defs *vmon_label_defs_copy(const struct vmon_label_defs *defs);
void vmon_label_defs_free(struct vmon_label_defs *defs);      /* NULL is fine */
/* Whether name is a well-formed label name ("nova.project"). */
int vmon_label_name_ok(const char *name);

/* The namespace URIs of Nova's metadata, newest first. */
#define VMON_NOVA_NS_1_1 "http://openstack.org/xmlns/libvirt/nova/1.1"
#define VMON_NOVA_NS_1_0 "http://openstack.org/xmlns/libvirt/nova/1.0"

#endif
