/* For tests/unit/test-complain.c: the clock vmon-complain.c reads. */
#ifndef VMON_COMPLAIN_PRIV_H
#define VMON_COMPLAIN_PRIV_H

extern double (*vmon_complain_clock)(void);    /* vmon_now_mono() */

#endif
