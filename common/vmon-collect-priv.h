/*
 * The parts of one poll (vmon_collect), each in its own file.  Only the
 * collection's own files include this.
 */
#ifndef VMON_COLLECT_PRIV_H
#define VMON_COLLECT_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include <libvirt/libvirt.h>

#include "vmon-collect.h"
#include "vmon-domxml.h"
#include "vmon-snapshot.h"

/* vmon-bulk.c: virDomainListGetStats and what its records say. */
/* Learn which of VMON_WANTED_GROUPS the driver fills (sets caps->probed). */
void vmon_bulk_probe(virConnectPtr conn, struct vmon_caps *caps);
/*
 * The groups for doms (NULL-terminated), into the records in out (count of
 * them, matched by UUID).  0, or -1 with err saying why.
 */
int vmon_bulk_collect(struct vmon_caps *caps, unsigned groups, virDomainPtr *doms,
                      struct vmon_domain *out, size_t count, char *err, size_t errlen);

/* vmon-gaps.c: what the stats leave out. */
/* Disk paths, MACs and vCPU counts the stats did not give, from the domain's XML. */
void vmon_gaps_fill_from_xml(struct vmon_domain *dom, const struct vmon_domxml *xml);
/* Name the groups an active domain lacks in dom->partial_groups (bulk: the groups asked in bulk). */
void vmon_gaps_mark_partial(const struct vmon_caps *caps, unsigned bulk,
                            const struct vmon_domxml *xml, struct vmon_domain *dom);

/* vmon-slice.c: one worker's share of the domains, on a thread of its own. */
struct vmon_slice;
/*
 * count domains from doms, xml and identity (name, UUID, id... copied), with
 * caps copied.  deadline (monotonic): when the poll stops waiting for the
 * slice; a retry of the guests NOWAIT skipped is made only if it ends before.
 * jobs (copied): which domains to ask for their job besides those whose
 * state reason says they have one; NULL: ask none (a retry of a stuck slice).
 */
struct vmon_slice *vmon_slice_new(const struct vmon_caps *caps, virDomainPtr *doms,
                                  struct vmon_domxml **xml, const struct vmon_domain *identity,
                                  const bool *jobs, size_t count, double deadline);
/* Collect on a new thread (on this one when no thread can be made). */
void vmon_slice_start(struct vmon_slice *s);
/*
 * true when the slice finished by deadline (monotonic), *finished saying
 * when; otherwise the slice is abandoned and frees itself whenever its
 * stuck call returns: the caller must not touch it again.
 */
bool vmon_slice_wait(struct vmon_slice *s, double deadline, double *finished);
/* Why a finished slice failed, or NULL. */
const char *vmon_slice_error(const struct vmon_slice *s);
/* Move a finished slice's records into dst and what it learned into caps; s is gone after. */
void vmon_slice_take(struct vmon_slice *s, struct vmon_caps *caps, struct vmon_domain *dst);

/* vmon-xmlcache.c: each domain's parsed XML, kept across polls. */
struct vmon_xmlcache;
/* labels: which labels to read from each document (copied; NULL: none). */
struct vmon_xmlcache *vmon_xmlcache_new(const struct vmon_label_defs *labels);
void vmon_xmlcache_free(struct vmon_xmlcache *x);
/* Drop every entry (a new connection). */
void vmon_xmlcache_forget(struct vmon_xmlcache *x);
/* The domain changed (any thread): its XML is fetched again next time. */
void vmon_xmlcache_invalidate(struct vmon_xmlcache *x, const unsigned char uuid[16]);
/*
 * xml[i]: the XML of doms[i] (identity[i] its UUID), fetched when not kept
 * or stale, NULL when libvirt gave none; the cache keeps the references.
 * Entries of domains not among these are dropped.
 */
void vmon_xmlcache_fetch(struct vmon_xmlcache *x, virDomainPtr *doms,
                         const struct vmon_domain *identity, size_t count,
                         struct vmon_domxml **xml);
/* How many documents libvirt has given since the cache was made. */
uint64_t vmon_xmlcache_fetches(const struct vmon_xmlcache *x);

/* vmon-jobs.c: which domains to ask for their job, across polls. */
struct vmon_jobwatch;
struct vmon_jobwatch *vmon_jobwatch_new(void);
void vmon_jobwatch_free(struct vmon_jobwatch *w);
/* A job event named this domain (any thread): ask it next poll. */
void vmon_jobwatch_told(struct vmon_jobwatch *w, const unsigned char uuid[16]);
/* A poll begins: for each of doms, whether to ask (an event, or a job last poll); free() it. */
bool *vmon_jobwatch_begin(struct vmon_jobwatch *w, const struct vmon_domain *doms, size_t count);
/* The poll's answers: who still has a job, or was asked and gave no answer. */
void vmon_jobwatch_end(struct vmon_jobwatch *w, const struct vmon_domain *doms, size_t count,
                       const bool *asked);
/* A new connection. */
void vmon_jobwatch_forget(struct vmon_jobwatch *w);

/* vmon-pools.c: the storage pools, on a thread of their own. */
struct vmon_pools;
struct vmon_pools *vmon_pools_new(void);
void vmon_pools_free(struct vmon_pools *p);
/* A new connection: learn again whether it has a storage driver; drop the pools' details. */
void vmon_pools_forget(struct vmon_pools *p);
/* A storage-pool event (any thread): read every pool's XML and volumes again. */
void vmon_pools_invalidate(struct vmon_pools *p);
/* Start this poll's pool collection (nothing while a list call is still out). */
void vmon_pools_start(struct vmon_pools *p, virConnectPtr conn);
/*
 * Wait for it until deadline (monotonic) and put the pools in snap; pools
 * with no figures in time carry their last ones, marked stale.  true when
 * a call was left behind (the connection should be recycled).
 */
bool vmon_pools_finish(struct vmon_pools *p, double deadline, struct vmon_snapshot *snap);

#endif
