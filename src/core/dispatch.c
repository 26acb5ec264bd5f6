/*
 * The command table and the checks every request passes before a handler
 * sees it, in the order clients depend on (CHECKLIST 9): unknown command C1h
 * before any privilege check, then D4h, then C7h.  Handlers may therefore
 * trust the request length against their table row.
 */
#include "core/bmc_int.h"

#define A PRIV_ADMIN
#define O PRIV_OPERATOR
#define U PRIV_USER
#define C PRIV_CALLBACK
#define N PRIV_NONE

/* Sorted by (netfn, cmd): dispatch_find() bisects, and a unit test checks the order. */
static const struct cmd_desc cmd_table[] = {
    {NETFN_CHASSIS, 0x00, U, 0, 0, cmd_get_chassis_capabilities},
    {NETFN_CHASSIS, 0x01, U, 0, 0, cmd_get_chassis_status},
    {NETFN_CHASSIS, 0x02, O, 1, 1, cmd_chassis_control},
    {NETFN_CHASSIS, 0x04, O, 0, 2, cmd_chassis_identify},
    {NETFN_CHASSIS, 0x06, O, 1, 1, cmd_set_power_restore_policy},
    {NETFN_CHASSIS, 0x07, U, 0, 0, cmd_get_system_restart_cause},
    {NETFN_CHASSIS, 0x08, O, 1, 18, cmd_set_system_boot_options},
    {NETFN_CHASSIS, 0x09, O, 3, 3, cmd_get_system_boot_options},
    {NETFN_CHASSIS, 0x0b, A, 1, 1, cmd_set_power_cycle_interval},
    {NETFN_CHASSIS, 0x0f, U, 0, 0, cmd_get_poh_counter},
    {NETFN_SENSOR, 0x20, U, 0, 1, cmd_get_device_sdr_info},
    {NETFN_SENSOR, 0x21, U, 6, 6, cmd_get_sdr},
    {NETFN_SENSOR, 0x22, U, 0, 0, cmd_reserve_sdr_repo},
    {NETFN_SENSOR, 0x23, U, 2, 2, cmd_get_sensor_reading_factors},
    {NETFN_SENSOR, 0x24, O, 4, 4, cmd_set_sensor_hysteresis},
    {NETFN_SENSOR, 0x25, U, 2, 2, cmd_get_sensor_hysteresis},
    {NETFN_SENSOR, 0x26, O, 8, 8, cmd_set_sensor_thresholds},
    {NETFN_SENSOR, 0x27, U, 1, 1, cmd_get_sensor_thresholds},
    {NETFN_SENSOR, 0x28, O, 2, 6, cmd_set_sensor_event_enable},
    {NETFN_SENSOR, 0x29, U, 1, 1, cmd_get_sensor_event_enable},
    {NETFN_SENSOR, 0x2a, O, 2, 6, cmd_rearm_sensor_events},
    {NETFN_SENSOR, 0x2b, U, 1, 1, cmd_get_sensor_event_status},
    {NETFN_SENSOR, 0x2d, U, 1, 1, cmd_get_sensor_reading},
    {NETFN_SENSOR, 0x2f, U, 1, 1, cmd_get_sensor_type},
    {NETFN_APP, 0x01, U, 0, 0, cmd_get_device_id},
    {NETFN_APP, 0x02, A, 0, 0, cmd_cold_reset},
    {NETFN_APP, 0x03, A, 0, 0, cmd_warm_reset},
    {NETFN_APP, 0x04, U, 0, 0, cmd_get_self_test_results},
    {NETFN_APP, 0x07, U, 0, 0, cmd_get_acpi_power_state},
    {NETFN_APP, 0x08, U, 0, 0, cmd_get_device_guid},
    {NETFN_APP, 0x22, O, 0, 0, cmd_reset_watchdog_timer},
    {NETFN_APP, 0x24, O, 6, 6, cmd_set_watchdog_timer},
    {NETFN_APP, 0x25, U, 0, 0, cmd_get_watchdog_timer},
    {NETFN_APP, 0x2e, A, 1, 1, cmd_set_bmc_global_enables},
    {NETFN_APP, 0x2f, U, 0, 0, cmd_get_bmc_global_enables},
    {NETFN_APP, 0x30, U, 1, 1, cmd_clear_message_flags},
    {NETFN_APP, 0x31, U, 0, 0, cmd_get_message_flags},
    {NETFN_APP, 0x33, U, 0, 0, cmd_get_message},
    {NETFN_APP, 0x35, U, 0, 0, cmd_read_event_message_buffer},
    {NETFN_APP, 0x37, N, 0, 0, cmd_get_system_guid},
    {NETFN_APP, 0x38, N, 2, 2, cmd_get_channel_auth_caps},
    {NETFN_APP, 0x39, N, 17, 17, cmd_get_session_challenge},
    {NETFN_APP, 0x3a, N, 22, 22, cmd_activate_session},
    {NETFN_APP, 0x3b, U, 1, 1, cmd_set_session_privilege},
    {NETFN_APP, 0x3c, C, 4, 5, cmd_close_session},
    {NETFN_APP, 0x3d, U, 1, 5, cmd_get_session_info},
    {NETFN_APP, 0x40, A, 3, 3, cmd_set_channel_access},
    {NETFN_APP, 0x41, U, 2, 2, cmd_get_channel_access},
    {NETFN_APP, 0x42, U, 1, 1, cmd_get_channel_info},
    {NETFN_APP, 0x43, A, 3, 4, cmd_set_user_access},
    {NETFN_APP, 0x44, O, 2, 2, cmd_get_user_access},
    {NETFN_APP, 0x45, A, 17, 17, cmd_set_user_name},
    {NETFN_APP, 0x46, O, 1, 1, cmd_get_user_name},
    {NETFN_APP, 0x47, A, 2, 22, cmd_set_user_password},
    {NETFN_APP, 0x48, U, 6, 6, cmd_activate_payload},
    {NETFN_APP, 0x49, U, 6, 6, cmd_deactivate_payload},
    {NETFN_APP, 0x4a, U, 1, 1, cmd_get_payload_activation_status},
    {NETFN_APP, 0x4b, U, 2, 2, cmd_get_payload_instance_info},
    {NETFN_APP, 0x4c, A, 6, 6, cmd_set_user_payload_access},
    {NETFN_APP, 0x4d, O, 2, 2, cmd_get_user_payload_access},
    {NETFN_APP, 0x4e, U, 1, 1, cmd_get_channel_payload_support},
    {NETFN_APP, 0x4f, U, 2, 2, cmd_get_channel_payload_version},
    {NETFN_APP, 0x54, N, 3, 3, cmd_get_channel_cipher_suites},
    {NETFN_APP, 0x56, A, 3, 23, cmd_set_channel_security_keys},
    {NETFN_APP, 0x59, U, 4, 4, cmd_get_system_info_params},
    {NETFN_STORAGE, 0x10, U, 1, 1, cmd_get_fru_inventory_area_info},
    {NETFN_STORAGE, 0x11, U, 4, 4, cmd_read_fru_data},
    {NETFN_STORAGE, 0x12, O, 4, 3 + 250, cmd_write_fru_data},
    {NETFN_STORAGE, 0x20, U, 0, 0, cmd_get_sdr_repo_info},
    {NETFN_STORAGE, 0x21, U, 0, 0, cmd_get_sdr_repo_alloc_info},
    {NETFN_STORAGE, 0x22, U, 0, 0, cmd_reserve_sdr_repo},
    {NETFN_STORAGE, 0x23, U, 6, 6, cmd_get_sdr},
    {NETFN_STORAGE, 0x28, U, 0, 0, cmd_get_sdr_repo_time},
    {NETFN_STORAGE, 0x40, U, 0, 0, cmd_get_sel_info},
    {NETFN_STORAGE, 0x41, U, 0, 0, cmd_get_sel_alloc_info},
    {NETFN_STORAGE, 0x42, U, 0, 0, cmd_reserve_sel},
    {NETFN_STORAGE, 0x43, U, 6, 6, cmd_get_sel_entry},
    {NETFN_STORAGE, 0x44, O, 16, 16, cmd_add_sel_entry},
    {NETFN_STORAGE, 0x45, O, 6, 6 + 16, cmd_partial_add_sel_entry},
    {NETFN_STORAGE, 0x46, O, 4, 4, cmd_delete_sel_entry},
    {NETFN_STORAGE, 0x47, O, 6, 6, cmd_clear_sel},
    {NETFN_STORAGE, 0x48, U, 0, 0, cmd_get_sel_time},
    {NETFN_STORAGE, 0x49, O, 4, 4, cmd_set_sel_time},
    {NETFN_STORAGE, 0x5c, U, 0, 0, cmd_get_sel_utc_offset},
    {NETFN_STORAGE, 0x5d, O, 2, 2, cmd_set_sel_utc_offset},
    {NETFN_TRANSPORT, 0x01, A, 2, 2 + 32, cmd_set_lan_config},
    {NETFN_TRANSPORT, 0x02, O, 4, 4, cmd_get_lan_config},
    {NETFN_TRANSPORT, 0x21, A, 2, 2 + 4, cmd_set_sol_config},
    {NETFN_TRANSPORT, 0x22, U, 4, 4, cmd_get_sol_config},
};

#undef A
#undef O
#undef U
#undef C
#undef N

static int
desc_cmp(uint8_t netfn, uint8_t cmd, const struct cmd_desc *d)
{
	int a = netfn << 8 | cmd, b = d->netfn << 8 | d->cmd;
	return (a > b) - (a < b);
}

void
cmd_ctx_init(struct cmd_ctx *ctx, struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src,
    struct bmc_out *out)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->bmc = bmc;
	ctx->now = now;
	ctx->src = src;
	ctx->channel = CHANNEL_LAN;
	ctx->priv = PRIV_NONE;
	ctx->out = out;
}

const struct cmd_desc *
dispatch_find(uint8_t netfn, uint8_t cmd)
{
	size_t lo = 0, hi = sizeof(cmd_table) / sizeof(cmd_table[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = desc_cmp(netfn, cmd, &cmd_table[mid]);
		if (c == 0)
			return &cmd_table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
dispatch_table_size(void)
{
	return sizeof(cmd_table) / sizeof(cmd_table[0]);
}

const struct cmd_desc *
dispatch_table_entry(size_t i)
{
	return i < dispatch_table_size() ? &cmd_table[i] : NULL;
}

void
dispatch(struct cmd_ctx *ctx, const uint8_t *data, size_t len, struct wbuf *rs)
{
	const struct cmd_desc *d = dispatch_find(ctx->netfn, ctx->cmd);
	size_t start = rs->len, nfx = ctx->out->nfx;
	struct buf rq = BUF_INIT(data, len);
	uint8_t cc;

	if (d == NULL) {
		wbuf_put_u8(rs, CC_INVALID_CMD);
		return;
	}
	if (ctx->priv < d->min_priv) {
		wbuf_put_u8(rs, CC_INSUFFICIENT_PRIV);
		return;
	}
	if (len < d->min_len || len > d->max_len) {
		wbuf_put_u8(rs, CC_REQ_LEN);
		return;
	}
	wbuf_put_u8(rs, CC_OK);
	cc = d->handler(ctx, &rq, rs);
	if (rs->err) {
		/* Our reply did not fit: that is our bug, answered as such. */
		rs->err = false;
		cc = CC_UNSPECIFIED;
	}
	if (cc != CC_OK) {
		/* Error replies carry the completion code only. */
		rs->len = start;
		wbuf_put_u8(rs, cc);
		ctx->durable = false;
		ctx->out->nfx = nfx;
	}
}
