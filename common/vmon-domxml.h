/*
 * What virtmon needs from a domain's XML: the devices to ask about when the
 * driver has no bulk stats, MAC addresses, disk sources and the OS type.
 * Parsed once when a domain appears or an event says it changed.
 */
#ifndef VMON_DOMXML_H
#define VMON_DOMXML_H

#include <stddef.h>

#include "vmon-labels.h"
#include "vmon-snapshot.h"

struct vmon_domxml_disk {
    char *target;     /* "vda" */
    char *source;     /* file, device or volume name; NULL if none */
    char *bus;        /* "virtio", "sata", ...; NULL if none */
    char *serial;     /* <serial>; NULL if none */
};

struct vmon_domxml_nic {
    char *target;     /* host device "vnet0"; NULL for an inactive domain */
    char mac[18];
    char *alias;      /* <alias name>: "ua-web" (the user's) or libvirt's "net0" */
    char *source;     /* bridge, network or host device it is plugged into */
    char *model;      /* "virtio", "e1000", ... */
};

struct vmon_domxml {
    int refs;         /* shared with poll slices that may outlive a poll */
    char *os_type;
    char *title;      /* <title>, <description>; NULL when absent */
    char *description;
    struct vmon_label *labels;   /* the declared labels found, in declaration order */
    size_t nlabels;
    unsigned vcpu_max;
    unsigned vcpu_current;
    struct vmon_domxml_disk *disks;
    size_t ndisks;
    struct vmon_domxml_nic *nics;
    size_t nnics;
};

/*
 * NULL with vmon_error_last() when the XML cannot be parsed.  labels (may
 * be NULL) says which labels to read.
 */
struct vmon_domxml *vmon_domxml_parse(const char *xml, const struct vmon_label_defs *labels);
struct vmon_domxml *vmon_domxml_ref(struct vmon_domxml *x);
/* Drops a reference; NULL is fine. */
void vmon_domxml_free(struct vmon_domxml *x);

#endif
