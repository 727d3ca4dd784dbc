/*
 * virtmon-agentx: the AgentX subagent.  main() is the whole life of the
 * daemon, one function a step: parse arguments, read virtmon.conf through
 * net-snmp, register the MIB, start the core's source (a libvirt poller,
 * loaded from virtmon-poller.so, or with 'source virtmond' a feed from
 * virtmond, which needs no libvirt in this process), then serve requests
 * and drain events on this thread until a signal asks us to stop.
 *
 * Threads: net-snmp is not thread-safe, so every net-snmp call is made
 * here.  The source's thread only touches libvirt (or virtmond's socket)
 * and publishes snapshots; handlers take the latest one (vmon-snmp-ctx.c),
 * so no request waits on libvirt or on a hung guest.
 */
#include "vmon-snmp.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmon-util.h"

#define PROGRAM "virtmon-agentx"

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
    stop_signal = sig;
}

static void
usage(FILE *out)
{
    fprintf(out,
        "Usage: " PROGRAM " [OPTION]...\n"
        "Serve VIRTMON-MIB (and libvirt-snmp's LIBVIRT-MIB) to an SNMP master agent\n"
        "over AgentX, from a libvirt connection polled in the background.\n"
        "\n"
        "  -f              stay in the foreground (log to stderr unless -L says otherwise)\n"
        "  -x ADDRESS      AgentX master address: a socket path, or tcp:HOST:PORT\n"
        "                  (default: net-snmp's, /var/agentx/master)\n"
        "  -c FILE         read this configuration file only (default: virtmon.conf in\n"
        "                  net-snmp's configuration path, e.g. /etc/snmp/virtmon.conf)\n"
        "  -L OPTS         logging as net-snmp's -L: -Le stderr, -Lf FILE, -Ls FACILITY\n"
        "                  syslog, -Lo stdout, -Ln none (default: syslog as a daemon)\n"
        "  -p PIDFILE      write the daemon's process id here\n"
        "  -D TOKENS       net-snmp debug output for these tokens (e.g. agentx)\n"
        "  -n              check the configuration, print \"configuration OK\" and exit\n"
        "  -h, --help      this help\n"
        "  -V, --version   version\n"
        "\n"
        "virtmon.conf lines: uri URI, interval DURATION, window DURATION,\n"
        "domainInclude PATTERNS, domainExclude PATTERNS, workers N,\n"
        "allowActions LIST|all|none (default none), shutdownTimeout DURATION,\n"
        "notAnsweringAfter DURATION (default 30s),\n"
        "compat yes|no (default yes), agentXDirect yes|no (default yes),\n"
        "source libvirt[:URI]|virtmond[:PATH] (default libvirt),\n"
        "answerCpus LIST (the CPUs of the thread answering snmpd), and net-snmp's\n"
        "agent lines such as agentXSocket and agentXPingInterval.\n");
}

struct args {
    bool foreground;
    bool logging_set;
    bool check_only;
    const char *pidfile;
};

/* 0 to go on, 1 to exit successfully (help), -1 on a usage error. */
static int
parse_args(int argc, char **argv, struct args *a)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "fx:c:L:p:D:nhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            a->foreground = true;
            break;
        case 'x':
            netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, optarg);
            break;
        case 'c':
            if (access(optarg, R_OK) != 0) {
                fprintf(stderr, PROGRAM ": cannot read '%s': %s\n", optarg, strerror(errno));
                return -1;
            }
            /* like snmpd -C -c FILE: this file instead of the default search */
            netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OPTIONALCONFIG, optarg);
            netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
            break;
        case 'L':
            if (snmp_log_options(optarg, argc, argv) < 0) {
                fprintf(stderr, PROGRAM ": bad -L option '%s'\n", optarg);
                return -1;
            }
            a->logging_set = true;
            break;
        case 'p':
            a->pidfile = optarg;
            break;
        case 'D':
            debug_register_tokens(optarg);
            snmp_set_do_debugging(1);
            break;
        case 'n':
            a->check_only = true;
            break;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf(PROGRAM " " VMON_VERSION " (net-snmp %s)\n", netsnmp_get_version());
            return 1;
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, PROGRAM ": unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

static int
write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f || fprintf(f, "%ld\n", (long) getpid()) < 0 || fclose(f) != 0) {
        snmp_log(LOG_ERR, "cannot write pid file '%s': %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    return 0;
}

static int
vmon_snmp_register_mib(void)
{
    if (vmon_snmp_columns_init() < 0)
        return -1;
    if (vmon_snmp_scalars_init() < 0 || vmon_snmp_states_init() < 0
        || vmon_snmp_domain_init() < 0 || vmon_snmp_vcpu_init() < 0
        || vmon_snmp_disk_init() < 0 || vmon_snmp_nic_init() < 0
        || vmon_snmp_label_init() < 0 || vmon_snmp_pool_init() < 0 || vmon_snmp_fs_init() < 0)
        return -1;
    if (vmon_snmp.compat && vmon_snmp_compat_init() < 0)
        return -1;
    return 0;
}

static void
install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* no SA_RESTART: the signal must break net-snmp's select() */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void
set_defaults(void)
{
    vmon_malloc_for_daemon();
    vmon_options_init(&vmon_snmp.opts);
    vmon_snmp.compat = true;
    vmon_snmp.agentx_direct = true;
}

static void
start_logging(const struct args *a)
{
    if (a->logging_set)
        return;
    if (a->foreground || a->check_only)
        snmp_enable_stderrlog();
    else
        snmp_enable_syslog_ident(PROGRAM, LOG_DAEMON);
}

/* Reads virtmon.conf (and opens the AgentX session unless only checking):
 * 0, or -1 when a line was refused. */
static int
load_config(const struct args *a)
{
    /* The agent answers by number and needs no MIB files: loading the
     * default modules only prints "Cannot find module" on Debian, which
     * ships none of the IETF ones.  An explicit MIBS= still wins. */
    setenv("MIBS", "", 0);
    /* a config check must not reach out to a master agent: init_agent()
     * starts the AgentX session only for a subagent */
    if (!a->check_only)
        netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    /* ... nor read or rewrite net-snmp's persistent file
     * (/var/lib/snmp/virtmon.conf): as a user who cannot write there, -n
     * printed "Cannot rename ..." and "read_config_store open failure"
     * around its verdict */
    if (a->check_only) {
        netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
        netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    }
    SOCK_STARTUP;
    init_agent(VMON_SNMP_APP);
    /* ... and a subagent it is all the same: as a master, init_snmp()
     * warns of a missing access control that is snmpd's business */
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    vmon_snmp_config_register();
    /* init_agent() registers agentXPingInterval only in a subagent, which a
     * check is not: the line a running agent takes must pass -n too (as
     * net-snmp's subagent_init() registers it) */
    if (a->check_only)
        netsnmp_ds_register_config(ASN_INTEGER, VMON_SNMP_APP, "agentxPingInterval",
                                   NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL);
    vmon_snmp_direct_init();
    vmon_snmp_traps_quiet();
    init_snmp(VMON_SNMP_APP);      /* reads virtmon.conf, opens the AgentX session */

    if (vmon_snmp.config_failed) {
        snmp_log(LOG_ERR, "configuration errors: not starting%s\n",
                 vmon_snmp.config_unknown ? " (an unknown token is an error to " PROGRAM ")" : "");
        return -1;
    }
    return 0;
}

static int
become_daemon(const struct args *a)
{
    /* fork before any thread exists: threads do not survive fork() */
    if (!a->foreground && netsnmp_daemonize(1, !a->logging_set ? 0 : 1) != 0)
        return -1;
    if (a->pidfile && write_pidfile(a->pidfile) < 0)
        return -1;
    return 0;
}

/* Opens the source, its threads on the CPUs answerCpus leaves them. */
static int
start_source(void)
{
    /*
     * An agent allowed to act polls on a read-write connection and acts on
     * that same connection: the next poll sees the action's effect, also
     * on the test driver, where each connection to a file has a private
     * copy of its domains.  A read-only agent never asks for write access.
     */
    vmon_snmp.opts.readwrite = vmon_snmp.opts.allowed_actions != 0;
    char err[1400];
    if (vmon_snmp_cpus_leave(err, sizeof(err)) < 0) {
        snmp_log(LOG_ERR, "%s\n", err);
        return -1;
    }
    vmon_snmp.src = vmon_source_open(&vmon_snmp.opts, 0);
    if (!vmon_snmp.src) {
        snmp_log(LOG_ERR, "%s\n", vmon_error_last());
        return -1;
    }
    /* after the source's threads exist, on the other CPUs */
    if (vmon_snmp_cpus_apply(err, sizeof(err)) < 0) {
        snmp_log(LOG_ERR, "%s\n", err);
        return -1;
    }
    return 0;
}

/* Serves requests and the source's events until a signal asks us to stop. */
static void
serve(void)
{
    vmon_snmp_traps_start();
    /* rows pin the snapshot they were built from: follow the source even
     * when nobody asks, or an idle agent holds one snapshot too many */
    double iv = vmon_snmp.opts.interval > 0 ? vmon_snmp.opts.interval : 30;
    struct timeval every = { .tv_sec = (time_t) iv,
                             .tv_usec = (suseconds_t) ((iv - (double) (time_t) iv) * 1e6) };
    snmp_alarm_register_hr(every, SA_REPEAT, vmon_snmp_tables_refresh, NULL);
    install_signals();
    if (vmon_snmp.opts.source == VMON_SOURCE_VIRTMOND)
        snmp_log(LOG_NOTICE, PROGRAM " " VMON_VERSION " started, reading %s every %gs\n",
                 vmon_source_describe(vmon_snmp.src), vmon_snmp.opts.interval);
    else
        snmp_log(LOG_NOTICE, PROGRAM " " VMON_VERSION " started, polling %s every %gs\n",
                 vmon_snmp.opts.uri ? vmon_snmp.opts.uri : "libvirt's default URI",
                 vmon_snmp.opts.interval);

    while (!stop_signal)
        agent_check_and_process(1);

    snmp_log(LOG_NOTICE, PROGRAM " stopping on signal %d\n", (int) stop_signal);
    vmon_snmp_traps_stop();
}

static void
leave_and_close(const struct args *a, int status)
{
    /* Leave the master first, while it most likely still runs: stopping
     * the source can take a second (a fetch or poll in flight), and
     * net-snmp 5.9.3 reads freed memory in snmp_shutdown() when the master
     * disconnects during its synchronous AgentX Close (seen under
     * memcheck when snmpd was stopped together with the agent). */
    vmon_snmp_direct_shutdown();
    snmp_shutdown(VMON_SNMP_APP);
    vmon_source_close(vmon_snmp.src);
    vmon_snmp.src = NULL;
    vmon_snmp_tables_shutdown();
    vmon_snmp_ctx_clear();
    if (a->pidfile && status == 0)
        unlink(a->pidfile);
    SOCK_CLEANUP;
}

int
main(int argc, char **argv)
{
    struct args a = { 0 };
    int status = 1;

    set_defaults();
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    start_logging(&a);

    if (load_config(&a) == 0) {
        if (a.check_only) {
            printf("configuration OK\n");
            status = 0;
        } else if (vmon_snmp_register_mib() == 0 && become_daemon(&a) == 0 && start_source() == 0) {
            serve();
            status = 0;
        }
    }
    leave_and_close(&a, status);
    return status;
}
