/*
 * Fuzz target (d): an SDR repository file, as `ghostbmc sdr import` and the
 * sdr_import key read it from a real machine's `ipmitool sdr dump`.  After a
 * successful import every record is read back through Get SDR and every
 * sensor gets a reading, so decoded fields from hostile bytes are exercised.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bmc_int.h"

#include "fuzz_rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
request(struct bmc *bmc, const struct bmc_time *now, uint8_t netfn, uint8_t cmd, const uint8_t *rq, size_t n,
    uint8_t *rsp, size_t *rlen)
{
	struct cmd_ctx ctx;
	struct bmc_out out;
	struct wbuf rs = WBUF_INIT(rsp, 300);
	struct bmc_addr src = {4, {127, 0, 0, 1}, 40000};

	bmc_out_reset(&out);
	cmd_ctx_init(&ctx, bmc, now, &src, &out);
	ctx.priv = PRIV_ADMIN;
	ctx.netfn = netfn;
	ctx.cmd = cmd;
	dispatch(&ctx, rq, n, &rs);
	*rlen = rs.len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bmc *bmc;
	struct bmc_time now = {1000, 1700000000};
	uint8_t rsp[300];
	char err[256];
	size_t i, n;
	uint16_t id = 0;

	if (bmc == NULL) {
		struct bmc_env env = {fuzz_rand, NULL, NULL};
		struct bmc_conf conf;
		bmc_conf_defaults(&conf);
		if ((bmc = bmc_new(&env, &conf)) == NULL)
			abort();
	}
	if (bmc_sdr_import(bmc, &now, data, size, NULL, 0, err, sizeof(err)) < 0)
		return 0;
	/* Walk the repository as a client does, and read every sensor. */
	for (i = 0; i < BMC_MAX_SDR + 1 && id != 0xffff; i++) {
		uint8_t rq[6] = {0, 0, (uint8_t)id, (uint8_t)(id >> 8), 0, 0xff};
		request(bmc, &now, NETFN_STORAGE, 0x23, rq, sizeof(rq), rsp, &n);
		if (n < 3 || rsp[0] != 0)
			break;
		id = (uint16_t)(rsp[1] | rsp[2] << 8);
	}
	for (i = 0; i < bmc_sensor_count(bmc); i++) {
		struct bmc_out out;
		struct bmc_sensor_info info;
		uint8_t num;

		bmc_out_reset(&out);
		bmc_sensor_feed(bmc, &now, i, (double)i * 13.7 - 50, (uint16_t)i, true, &out);
		if (bmc_sensor_info(bmc, i, &info) != 0)
			abort();
		num = info.number;
		request(bmc, &now, NETFN_SENSOR, 0x2d, &num, 1, rsp, &n);
		request(bmc, &now, NETFN_SENSOR, 0x27, &num, 1, rsp, &n);
		request(bmc, &now, NETFN_SENSOR, 0x23, (const uint8_t[]){num, 0x10}, 2, rsp, &n);
	}
	return 0;
}
