/*
 * Requests from the host's own system interface (KCS/BT, channel 0Fh): what
 * the guest's IPMI driver sends through QEMU's ipmi-bmc-extern device (see
 * core/vmchan.h for the framing).  Session-less and unrestricted, as the
 * spec defines that channel.
 */
#ifndef GHOSTBMC_SYSIF_H
#define GHOSTBMC_SYSIF_H

#include "core/bmc.h"

/* bmc_handle_sysif() returned this: the reply waits for the commit of out's effects. */
#define BMC_SYSIF_DURABLE 1

/*
 * Serve one system interface request: netfn (6 bits, even for a request),
 * lun (0..3), cmd and its data.  rsp (rspmax >= 1 bytes) receives the
 * completion code and response data, *rsplen their length; every request
 * gets exactly one response (odd netFn: C1h, LUN other than 0: C2h).
 * Effects (FX_POWER, FX_SAVE_*, FX_RESET_BMC, ...) go to out, appended.
 *
 * Returns BMC_OK, or BMC_SYSIF_DURABLE when the reply may only be sent once
 * out's effects are committed (if a commit fails, answer completion code
 * FFh alone instead), or a negative enum bmc_err for bad arguments (nothing
 * to send; *rsplen is 0).
 */
int bmc_handle_sysif(struct bmc *bmc, const struct bmc_time *now, uint8_t netfn, uint8_t lun, uint8_t cmd,
    const uint8_t *data, size_t len, uint8_t *rsp, size_t rspmax, size_t *rsplen, struct bmc_out *out);

#endif
