/*
 * Benchmark helper: the least any libvirt client can cost, to put the
 * checks' figures in proportion (make nagios-bench).
 *
 *   nagios-libvirt-floor                 links libvirt, does nothing
 *   nagios-libvirt-floor URI NAME        a minimal one-domain check: open
 *                                        read-only, look the domain up, one
 *                                        NOWAIT bulk-stats call, close
 *
 * The first is what the dynamic loader charges before main() (libvirt.so
 * pulls in ~55 libraries, all bound at load time); the second adds the
 * round trips no client can avoid.  Exit 0 when the stats came back.
 */
#include <stdio.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static void
quiet(void *opaque, virErrorPtr err)
{
    (void) opaque;
    (void) err;
}

int
main(int argc, char **argv)
{
    if (argc == 1)
        return 0;
    if (argc != 3) {
        fprintf(stderr, "usage: nagios-libvirt-floor [URI DOMAIN]\n");
        return 2;
    }
    virSetErrorFunc(NULL, quiet);
    virConnectPtr conn = virConnectOpenReadOnly(argv[1]);
    if (!conn) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 1;
    }
    int rc = 1;
    virDomainPtr doms[2] = { virDomainLookupByName(conn, argv[2]), NULL };
    if (doms[0]) {
        virDomainStatsRecordPtr *recs = NULL;
        unsigned groups = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
                          VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |
                          VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK;
        if (virDomainListGetStats(doms, groups, &recs,
                                  VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT) == 1)
            rc = 0;
        virDomainStatsRecordListFree(recs);
        virDomainFree(doms[0]);
    }
    virConnectClose(conn);
    return rc;
}
