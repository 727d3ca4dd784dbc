/*
 * The configuration-file keys that mean the same in every file taking them
 * (the SNMP agent's virtmon.conf, virtmond.conf), each spelled once and
 * mapped to the core's key: "domainInclude web*" in either file is
 * "--include web*" on a command line, checked by vmon_options_set() with
 * the same message.  Tokens are case-sensitive: "Interval" is no key, and
 * a file saying it must be refused, not skipped (vmon_conf_key_unknown()).
 */
#ifndef VMON_CONF_KEYS_H
#define VMON_CONF_KEYS_H

#include <stddef.h>

#include "vmon-options.h"

struct vmon_conf_key {
    const char *token;         /* as written in the file */
    const char *core_key;      /* vmon_options_set()'s; NULL: the program's own */
    const char *help;          /* the value's syntax */
};

/* The shared keys: uri, interval, window, domainInclude, ... */
extern const struct vmon_conf_key vmon_conf_keys[];
extern const size_t vmon_conf_nkeys;

/* token in keys[0..n), exactly as spelled, or NULL. */
const struct vmon_conf_key *vmon_conf_key_find(const struct vmon_conf_key *keys, size_t n,
                                               const char *token);

/*
 * Sets k's core key to value: 0, or -1 with vmon_error_last() saying what
 * is wrong with the value but not naming the key (the caller names the
 * token as written, and the file and line).
 */
int vmon_conf_key_set(struct vmon_options *o, const struct vmon_conf_key *k, const char *value);

/*
 * Records in vmon_error_last() that token is no key of the program (its
 * own keys[0..n) and the shared ones): "unknown key 'Interval' (keys are
 * case-sensitive: did you mean 'interval'?)".
 */
void vmon_conf_key_unknown(const char *token, const struct vmon_conf_key *own, size_t n);

#endif
