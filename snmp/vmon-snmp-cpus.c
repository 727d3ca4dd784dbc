/*
 * answerCpus: the thread that answers snmpd runs there, and nothing else.
 *
 * Every AgentX request is a round trip between snmpd and this thread; with
 * both on one CPU it costs a context switch instead of waking a process on
 * another CPU (docs/snmp.md, "Placing snmpd and the agent").  Pinning the
 * whole process (taskset, systemd's CPUAffinity=) would also put the poll
 * thread, and libvirt's threads, on that CPU, where every poll then takes
 * its time from the requests.  So the other threads go the other way: they
 * run on the process's remaining CPUs, and only when answerCpus leaves none
 * do they share.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* cpu_set_t, pthread_setaffinity_np */
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmon-snmp.h"

static cpu_set_t answer_cpus;
static bool answer_cpus_set;

/* the highest CPU number this host has, for the error message */
static long
last_cpu(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);

    return n > 0 ? n - 1 : 0;
}

/* One number of a list: 0 and *p past it, or -1. */
static int
cpu_number(const char **p, long *cpu)
{
    char *end;

    if (**p < '0' || **p > '9')
        return -1;
    errno = 0;
    *cpu = strtol(*p, &end, 10);
    if (errno)
        return -1;
    *p = end;
    return 0;
}

int
vmon_snmp_cpus_parse(const char *text, char *err, size_t errlen)
{
    cpu_set_t set;
    const char *p = text;
    long last = last_cpu();

    CPU_ZERO(&set);
    for (;;) {
        long lo, hi;
        if (cpu_number(&p, &lo) < 0)
            goto syntax;
        hi = lo;
        if (*p == '-') {
            p++;
            if (cpu_number(&p, &hi) < 0 || hi < lo)
                goto syntax;
        }
        if (hi > last) {
            snprintf(err, errlen, "no CPU %ld on this host (it has 0-%ld)", hi, last);
            return -1;
        }
        for (long c = lo; c <= hi; c++)
            CPU_SET((int) c, &set);
        if (*p == '\0')
            break;
        if (*p++ != ',')
            goto syntax;
    }
    answer_cpus = set;
    answer_cpus_set = true;
    return 0;

syntax:
    snprintf(err, errlen, "'%s' is not a CPU list (like 0, 0-3 or 0,2)", text);
    return -1;
}

int
vmon_snmp_cpus_leave(char *err, size_t errlen)
{
    cpu_set_t mine, rest;

    if (!answer_cpus_set)
        return 0;
    int rc = pthread_getaffinity_np(pthread_self(), sizeof(mine), &mine);
    if (rc == 0) {
        /* rest = mine without answer_cpus */
        CPU_XOR(&rest, &mine, &answer_cpus);
        CPU_AND(&rest, &rest, &mine);
        if (CPU_COUNT(&rest) == 0)
            return 0;
        rc = pthread_setaffinity_np(pthread_self(), sizeof(rest), &rest);
    }
    if (rc != 0) {
        snprintf(err, errlen, "answerCpus: cannot move the poll threads off those CPUs: %s",
                 strerror(rc));
        return -1;
    }
    return 0;
}

int
vmon_snmp_cpus_apply(char *err, size_t errlen)
{
    if (!answer_cpus_set)
        return 0;
    int rc = pthread_setaffinity_np(pthread_self(), sizeof(answer_cpus), &answer_cpus);
    if (rc != 0) {
        snprintf(err, errlen, "answerCpus: cannot run the answering thread there: %s",
                 strerror(rc));
        return -1;
    }
    return 0;
}
