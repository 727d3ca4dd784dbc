/*
 * What libnetsnmpagent exports without declaring it in its installed
 * headers (agent/mibgroup/agentx/{subagent,protocol}.[ch]): the subagent's
 * AgentX session to the master, the AgentX message numbers (RFC 2741,
 * section 6.1) and the AgentX packet builder.  All have been there since
 * net-snmp 5.0; configure checks the symbols and defines
 * VMON_HAVE_AGENTX_DIRECT when they link.
 */
#ifndef VMON_SNMP_AGENTX_H
#define VMON_SNMP_AGENTX_H

#include "vmon-snmp.h"

#ifdef VMON_HAVE_AGENTX_DIRECT
extern netsnmp_session *main_session;
int agentx_realloc_build(netsnmp_session *session, netsnmp_pdu *pdu, u_char **buf,
                         size_t *buf_len, size_t *out_len);
enum {
    AGENTX_VERSION_1 = 192 | 1,
    AGENTX_MSG_GET = 5,
    AGENTX_MSG_GETNEXT = 6,
    AGENTX_MSG_NOTIFY = 12,
    AGENTX_MSG_RESPONSE = 18,
};
#endif

#endif
