/*
 * System Boot Options, the model: what the host should boot now, and when a
 * boot request is spent.  The IPMI parameter layouts are in cmd_boot.c.
 *
 * The spec (28.12) has the BMC clear the boot flags' valid bit 60 s after a
 * power-up or reset unless acknowledged, with parameter 3 saying which
 * causes do not clear it.  We follow the simpler rule real BMCs (and
 * OpenBMC) use: a next-boot-only request stays valid until the host's
 * firmware has booted by it (bmc_host_booted), then it is spent; a
 * persistent one stays.  Parameter 3 is stored and reported, nothing more.
 */
#include "core/bmc_int.h"

_Static_assert(sizeof(struct boot_saved) == 19, "boot options blob: bytes only");
_Static_assert(sizeof(struct boot_saved) <= BMC_PARAM_BLOB_MAX, "boot options blob too big");

void
boot_init(struct bmc *bmc)
{
	/* Everything 0: no override, legacy boot, not valid; acknowledge data 00h (28.13). */
	memset(&bmc->boot, 0, sizeof(bmc->boot));
}

void
bmc_boot_hint(const struct bmc *bmc, struct bmc_boot_hint *hint)
{
	const uint8_t *f = bmc->boot.saved.flags;

	hint->device = (uint8_t)((f[1] >> 2) & 0x0f);
	hint->efi = (f[0] & BOOT_FLAG_EFI) != 0;
	hint->persistent = (f[0] & BOOT_FLAG_PERSISTENT) != 0;
	hint->valid = (f[0] & BOOT_FLAG_VALID) != 0;
}

void
bmc_host_booted(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	uint8_t *f = bmc->boot.saved.flags;

	(void)now;
	if ((f[0] & BOOT_FLAG_VALID) == 0 || (f[0] & BOOT_FLAG_PERSISTENT) != 0)
		return;
	f[0] &= (uint8_t)~BOOT_FLAG_VALID;
	bmc_logf(bmc, BMC_LOG_INFO, "boot: next-boot-only flags (device %u) spent", (f[1] >> 2) & 0x0fu);
	bmc_fx(out, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS);
}
