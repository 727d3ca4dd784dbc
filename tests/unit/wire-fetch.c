/*
 * A test client of virtmond, linked against libvmoncore only (as a check is):
 *
 *   wire-fetch SOCKET [DOMAIN]     vmon_serve_fetch(), then one line per fact,
 *                                  tab-separated, for the shell to compare:
 *     snapshot  seq  domains  connected
 *     node      KEY  KIND  VALUE
 *     domain    NAME  UUID  STATE  ID  PERSISTENT  VCPUS  DISKS  NICS
 *     metric    NAME  WHERE  KEY  KIND  VALUE      WHERE: domain, vcpu.N, disk.DEV, nic.DEV
 *   wire-fetch --raw SOCKET TEXT   send TEXT as it is, print the reply as it is
 *   wire-fetch --hold SOCKET SECS  connect, send nothing, wait SECS, print the reply
 *
 * Exit 0, or 1 with the error on stderr.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmon-serve.h"
#include "vmon-snapshot.h"

static void
print_values(const char *name, const char *where, enum vmon_scope scope, const struct vmon_value *m)
{
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++) {
        if (!vmon_value_has(&m[i]))
            continue;
        if (name)
            printf("metric\t%s\t%s\t", name, where);
        else
            printf("node\t");
        if (desc[i].kind == VMON_KIND_DERIVED)
            printf("%s\t%s\t%.6g\n", desc[i].key, vmon_kind_name(desc[i].kind), m[i].d);
        else
            printf("%s\t%s\t%" PRIu64 "\n", desc[i].key, vmon_kind_name(desc[i].kind), m[i].u);
    }
}

static int
fetch(const char *path, const char *only)
{
    char err[512];
    struct vmon_snapshot *s = vmon_serve_fetch(path, only, 5, err, sizeof(err));

    if (!s) {
        fprintf(stderr, "wire-fetch: %s\n", err);
        return 1;
    }
    printf("snapshot\t%" PRIu64 "\t%zu\t%d\n", s->seq, s->ndomains, s->health.connected);
    print_values(NULL, NULL, VMON_SCOPE_NODE, s->node.m);
    for (size_t i = 0; i < s->ndomains; i++) {
        const struct vmon_domain *d = &s->domains[i];
        char where[300];
        printf("domain\t%s\t%s\t%s\t%d\t%d\t%zu\t%zu\t%zu\n", d->name, d->uuid_str,
               vmon_domain_state_name(d->state), d->id, d->persistent, d->nvcpus, d->ndisks,
               d->nnics);
        print_values(d->name, "domain", VMON_SCOPE_DOMAIN, d->m);
        for (size_t j = 0; j < d->nvcpus; j++) {
            snprintf(where, sizeof(where), "vcpu.%u", d->vcpus[j].number);
            print_values(d->name, where, VMON_SCOPE_VCPU, d->vcpus[j].m);
        }
        for (size_t j = 0; j < d->ndisks; j++) {
            snprintf(where, sizeof(where), "disk.%s", d->disks[j].name);
            print_values(d->name, where, VMON_SCOPE_DISK, d->disks[j].m);
        }
        for (size_t j = 0; j < d->nnics; j++) {
            snprintf(where, sizeof(where), "nic.%s", d->nics[j].name);
            print_values(d->name, where, VMON_SCOPE_NIC, d->nics[j].m);
        }
    }
    vmon_snapshot_unref(s);
    return 0;
}

/* --raw and --hold: a client that does what vmon_serve_fetch() would not. */
static int
raw(const char *path, const char *text, unsigned hold)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    char buf[4096];
    ssize_t n;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
        perror("wire-fetch: connect");
        if (fd >= 0)
            close(fd);
        return 1;
    }
    if (text && send(fd, text, strlen(text), MSG_NOSIGNAL) < 0)
        perror("wire-fetch: send");
    if (hold)
        sleep(hold);
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t) n, stdout);
    close(fd);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--raw") == 0)
        return raw(argv[2], argv[3], 0);
    if (argc == 4 && strcmp(argv[1], "--hold") == 0)
        return raw(argv[2], NULL, (unsigned) atoi(argv[3]));
    if (argc == 2 || argc == 3)
        return fetch(argv[1], argc == 3 ? argv[2] : NULL);
    fprintf(stderr, "usage: wire-fetch SOCKET [DOMAIN] | --raw SOCKET TEXT | --hold SOCKET SECS\n");
    return 2;
}
