/*
 * Benchmark helper: the fastest an AgentX subagent can be against a given
 * master, to put virtmon-agentx's figures in proportion (make snmp-bench).
 *
 *   agentx-floor SOCKET ROWS COLUMNS
 *
 * Connects to the master's AgentX unix socket, registers virtmonDomainTable's
 * OID and serves ROWS x COLUMNS INTEGER cells, indexed like the real table
 * (16 sub-identifiers of a UUID), from a sorted array: a binary search per
 * varbind, no allocation, one read and one write per AgentX request.  No
 * real subagent does less, so whatever throughput this reaches is the
 * ceiling the master and the kernel leave to any subagent.
 *
 * Only what a benchmark needs of RFC 2741: Open, Register, Get, GetNext,
 * GetBulk (answered as GetNext: net-snmp's master never sends it), and an
 * empty Response to anything else.  Not a subagent to deploy.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "snmp/vmon-oid.h"

enum { PDU_OPEN = 1, PDU_REGISTER = 3, PDU_GET = 5, PDU_GETNEXT = 6, PDU_GETBULK = 7,
       PDU_RESPONSE = 18 };
enum { FLAG_NON_DEFAULT_CONTEXT = 0x08, FLAG_NETWORK_BYTE_ORDER = 0x10 };
enum { VT_INTEGER = 2, VT_NO_SUCH_INSTANCE = 129, VT_END_OF_MIB_VIEW = 130 };
#define HEADER_LEN 20
#define MAX_SUBIDS 40
#define MAX_PACKET 65536

struct oid { uint32_t n, sub[MAX_SUBIDS]; };

static struct oid *cells;
static size_t ncells;
static int fd;
static uint32_t session_id;

static int
oid_cmp(const struct oid *a, const struct oid *b)
{
    uint32_t n = a->n < b->n ? a->n : b->n;

    for (uint32_t i = 0; i < n; i++)
        if (a->sub[i] != b->sub[i])
            return a->sub[i] < b->sub[i] ? -1 : 1;
    return a->n < b->n ? -1 : a->n > b->n;
}

static uint32_t
get32(const uint8_t *p, int network_order)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return network_order ? ntohl(v) : v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
}

/* RFC 2741 5.1: n_subid, prefix (1.3.6.1.prefix), include, reserved, subids */
static size_t
parse_oid(const uint8_t *p, size_t left, int network_order, struct oid *o, int *include)
{
    static const uint32_t internet[] = { 1, 3, 6, 1 };
    uint32_t n = p[1] ? 5 : 0;
    size_t len;

    if (left < 4 || (len = 4 + 4 * (size_t) p[0]) > left || p[0] + n > MAX_SUBIDS)
        return 0;
    if (p[1]) {
        memcpy(o->sub, internet, sizeof(internet));
        o->sub[4] = p[1];
    }
    for (size_t i = 0; i < p[0]; i++)
        o->sub[n++] = get32(p + 4 + 4 * i, network_order);
    o->n = n;
    *include = p[2];
    return len;
}

static size_t
put_oid(uint8_t *p, const struct oid *o)
{
    uint32_t skip = 0;

    p[1] = 0;
    if (o->n >= 5 && o->sub[0] == 1 && o->sub[1] == 3 && o->sub[2] == 6 && o->sub[3] == 1
        && o->sub[4] > 0 && o->sub[4] < 256) {
        p[1] = (uint8_t) o->sub[4];
        skip = 5;
    }
    p[0] = (uint8_t) (o->n - skip);
    p[2] = p[3] = 0;
    for (uint32_t i = skip; i < o->n; i++)
        put32(p + 4 + 4 * (i - skip), o->sub[i]);
    return 4 + 4 * (size_t) (o->n - skip);
}

static size_t
put_varbind(uint8_t *p, uint16_t type, const struct oid *name)
{
    size_t len = 4;

    p[0] = (uint8_t) (type >> 8);   /* we send network byte order */
    p[1] = (uint8_t) type;
    p[2] = p[3] = 0;
    len += put_oid(p + 4, name);
    if (type == VT_INTEGER) {
        put32(p + len, 42);
        len += 4;
    }
    return len;
}

static void
send_pdu(uint8_t type, uint32_t transaction, uint32_t packet, const uint8_t *payload, size_t len)
{
    static uint8_t out[HEADER_LEN + MAX_PACKET];

    out[0] = 1;
    out[1] = type;
    out[2] = FLAG_NETWORK_BYTE_ORDER;
    out[3] = 0;
    put32(out + 4, session_id);
    put32(out + 8, transaction);
    put32(out + 12, packet);
    put32(out + 16, (uint32_t) len);
    memcpy(out + HEADER_LEN, payload, len);
    if (write(fd, out, HEADER_LEN + len) != (ssize_t) (HEADER_LEN + len)) {
        perror("agentx-floor: write");
        exit(1);
    }
}

static void
read_full(uint8_t *p, size_t len)
{
    while (len) {
        ssize_t r = read(fd, p, len);
        if (r <= 0)
            exit(0);   /* the master went away: the benchmark is over */
        p += r;
        len -= (size_t) r;
    }
}

/* One whole PDU into in[]; its payload length. */
static size_t
read_pdu(uint8_t *in)
{
    read_full(in, HEADER_LEN);
    uint32_t len = get32(in + 16, in[2] & FLAG_NETWORK_BYTE_ORDER);
    if (len > MAX_PACKET) {
        fprintf(stderr, "agentx-floor: %u-byte PDU\n", len);
        exit(1);
    }
    read_full(in + HEADER_LEN, len);
    return len;
}

/* The first cell after (or at, with include) start, before end (if any). */
static const struct oid *
next_cell(const struct oid *start, int include, const struct oid *end)
{
    size_t lo = 0, hi = ncells;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = oid_cmp(&cells[mid], start);
        if (c < 0 || (c == 0 && !include))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == ncells || (end->n && oid_cmp(&cells[lo], end) >= 0))
        return NULL;
    return &cells[lo];
}

static void
answer(const uint8_t *in, size_t len)
{
    static uint8_t out[MAX_PACKET];
    int nbo = in[2] & FLAG_NETWORK_BYTE_ORDER;
    uint8_t type = in[1];
    size_t at = HEADER_LEN, end = HEADER_LEN + len, o = 8;

    memset(out, 0, 8);   /* sysUpTime, error, index */
    if (in[2] & FLAG_NON_DEFAULT_CONTEXT)
        at += 4 + ((get32(in + at, nbo) + 3) & ~3u);
    if (type == PDU_GETBULK)
        at += 4;   /* non_repeaters, max_repetitions: answered as one GetNext */
    if (type == PDU_GET || type == PDU_GETNEXT || type == PDU_GETBULK) {
        while (at < end && o + 4 + 4 * MAX_SUBIDS + 8 < sizeof(out)) {
            struct oid start, stop;
            int include, ignored;
            size_t a = parse_oid(in + at, end - at, nbo, &start, &include);
            size_t b = a ? parse_oid(in + at + a, end - at - a, nbo, &stop, &ignored) : 0;
            if (!b)
                break;
            at += a + b;
            const struct oid *hit = next_cell(&start, include || type == PDU_GET, &stop);
            if (type == PDU_GET && hit && oid_cmp(hit, &start) != 0)
                hit = NULL;
            if (hit)
                o += put_varbind(out + o, VT_INTEGER, hit);
            else
                o += put_varbind(out + o, type == PDU_GET ? VT_NO_SUCH_INSTANCE
                                                          : VT_END_OF_MIB_VIEW, &start);
        }
    }
    send_pdu(PDU_RESPONSE, get32(in + 8, nbo), get32(in + 12, nbo), out, o);
}

int
main(int argc, char **argv)
{
    static const uint32_t table[] = { VMON_OID_DOMAIN_TABLE };
    const size_t tlen = sizeof(table) / sizeof(table[0]);
    static uint8_t in[HEADER_LEN + MAX_PACKET], payload[512];
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    if (argc != 4 || strlen(argv[1]) >= sizeof(sa.sun_path) || atoi(argv[2]) < 1
        || atoi(argv[3]) < 1) {
        fprintf(stderr, "usage: agentx-floor AGENTX-SOCKET ROWS COLUMNS\n");
        return 2;
    }
    size_t rows = (size_t) atoi(argv[2]), cols = (size_t) atoi(argv[3]);

    /* table.1.column.uuid: column-major, so the array is already in OID order */
    cells = calloc(rows * cols, sizeof(*cells));
    if (!cells)
        return 1;
    for (size_t c = 1; c <= cols; c++)
        for (size_t r = 0; r < rows; r++) {
            struct oid *o = &cells[ncells++];
            memcpy(o->sub, table, sizeof(table));
            o->n = (uint32_t) tlen;
            o->sub[o->n++] = 1;
            o->sub[o->n++] = (uint32_t) c;
            for (int i = 0; i < 16; i++)   /* a UUID whose last 4 octets count rows */
                o->sub[o->n++] = i < 12 ? 0xa0u + (uint32_t) i : (r >> (8 * (15 - i))) & 0xff;
        }

    strcpy(sa.sun_path, argv[1]);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
        perror(argv[1]);
        return 1;
    }

    /* Open: timeout, 3 reserved, id (1.3.6.1), empty description */
    struct oid id = { 4, { 1, 3, 6, 1 } };
    memset(payload, 0, sizeof(payload));
    payload[0] = 5;
    size_t n = 4 + put_oid(payload + 4, &id);
    put32(payload + n, 0);
    send_pdu(PDU_OPEN, 0, 1, payload, n + 4);
    read_pdu(in);
    session_id = get32(in + 4, in[2] & FLAG_NETWORK_BYTE_ORDER);

    /* Register: timeout, priority 127, no range, the table's subtree */
    struct oid subtree = { (uint32_t) tlen, { 0 } };
    memcpy(subtree.sub, table, sizeof(table));
    payload[0] = 5;
    payload[1] = 127;
    payload[2] = payload[3] = 0;
    n = 4 + put_oid(payload + 4, &subtree);
    send_pdu(PDU_REGISTER, 0, 2, payload, n);
    read_pdu(in);
    uint16_t error = (in[2] & FLAG_NETWORK_BYTE_ORDER)
                         ? (uint16_t) (in[HEADER_LEN + 4] << 8 | in[HEADER_LEN + 5])
                         : (uint16_t) (in[HEADER_LEN + 5] << 8 | in[HEADER_LEN + 4]);
    if (error) {
        fprintf(stderr, "agentx-floor: the master refused the registration\n");
        return 1;
    }
    fprintf(stderr, "agentx-floor: serving %zu cells\n", ncells);

    for (;;)
        answer(in, read_pdu(in));
}
