/*
 * LAN configuration parameters (Transport 0Ch/01h, 02h; IPMI 2.0 23.1-23.2;
 * CHECKLIST 18).  What describes the network comes from the address the
 * instance listens on unless an operator stored a value; a stored value is
 * reported back but never re-binds the socket (docs/lan-parameters.md).
 */
#include <stdio.h>

#include "core/rmcp.h"

#define LAN_PARAM_REVISION 0x11
#define SECONDARY_RMCP_PORT 664

enum {
	LP_SET_IN_PROGRESS = 0,
	LP_AUTH_SUPPORT = 1,
	LP_AUTH_ENABLES = 2,
	LP_IP = 3,
	LP_IP_SOURCE = 4,
	LP_MAC = 5,
	LP_NETMASK = 6,
	LP_IP_HEADER = 7,
	LP_PRIMARY_PORT = 8,
	LP_SECONDARY_PORT = 9,
	LP_ARP = 10,
	LP_GARP_INTERVAL = 11,
	LP_GATEWAY = 12,
	LP_GATEWAY_MAC = 13,
	LP_BACKUP_GATEWAY = 14,
	LP_BACKUP_GATEWAY_MAC = 15,
	LP_COMMUNITY = 16,
	LP_DEST_COUNT = 17,
	LP_VLAN_ID = 20,
	LP_VLAN_PRIORITY = 21,
	LP_CIPHER_SUPPORT = 22,
	LP_CIPHER_ENTRIES = 23,
	LP_CIPHER_PRIV = 24,
	LP_BAD_PASSWORD = 26,
};

static bool
all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++ != 0)
			return false;
	return true;
}

static void
lan_ip(const struct bmc *bmc, uint8_t ip[4])
{
	const struct lan_params *l = &bmc->params.lan;

	if (!all_zero(l->ip, 4))
		memcpy(ip, l->ip, 4);
	else if (bmc->conf.lan_addr.family == 4)
		memcpy(ip, bmc->conf.lan_addr.ip, 4);
	else
		memset(ip, 0, 4);
}

static void
lan_netmask(const struct bmc *bmc, uint8_t mask[4])
{
	uint8_t ip[4];

	if (!all_zero(bmc->params.lan.netmask, 4)) {
		memcpy(mask, bmc->params.lan.netmask, 4);
		return;
	}
	lan_ip(bmc, ip);
	mask[0] = 255;
	mask[1] = ip[0] == 127 ? 0 : 255;
	mask[2] = ip[0] == 127 ? 0 : 255;
	mask[3] = 0;
}

/* Auth types this channel supports at all: none unless IPMI 1.5 is enabled. */
static uint8_t
auth_support(const struct bmc *bmc)
{
	return bmc->conf.ipmi15_auth_types & AUTHTYPE_SUPPORTED_MASK;
}

uint8_t
cmd_get_lan_config(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct bmc *bmc = ctx->bmc;
	const struct lan_params *l = &bmc->params.lan;
	uint8_t b1 = buf_get_u8(rq), param = buf_get_u8(rq), ids[16], tmp[16];
	size_t n, i;

	(void)buf_get_u8(rq); /* set selector */
	(void)buf_get_u8(rq); /* block selector */
	if (ctx_channel(ctx, b1) != CHANNEL_LAN || (b1 & 0x70))
		return CC_INVALID_FIELD;
	wbuf_put_u8(rs, LAN_PARAM_REVISION);
	if (b1 & 0x80)
		return CC_OK; /* revision only */
	switch (param) {
	case LP_SET_IN_PROGRESS:
		wbuf_put_u8(rs, l->set_in_progress);
		break;
	case LP_AUTH_SUPPORT:
		wbuf_put_u8(rs, auth_support(bmc));
		break;
	case LP_AUTH_ENABLES:
		for (i = 0; i < 5; i++)
			wbuf_put_u8(rs, l->auth_enables[i] & auth_support(bmc));
		break;
	case LP_IP:
		lan_ip(bmc, tmp);
		wbuf_put_bytes(rs, tmp, 4);
		break;
	case LP_IP_SOURCE:
		wbuf_put_u8(rs, l->ip_source);
		break;
	case LP_MAC:
		wbuf_put_bytes(rs, bmc->conf.mac, 6);
		break;
	case LP_NETMASK:
		lan_netmask(bmc, tmp);
		wbuf_put_bytes(rs, tmp, 4);
		break;
	case LP_IP_HEADER:
		wbuf_put_bytes(rs, l->ip_header, 3);
		break;
	case LP_PRIMARY_PORT:
		wbuf_put_u16le(rs, bmc->conf.lan_addr.port);
		break;
	case LP_SECONDARY_PORT:
		wbuf_put_u16le(rs, SECONDARY_RMCP_PORT);
		break;
	case LP_ARP:
		wbuf_put_u8(rs, l->arp);
		break;
	case LP_GARP_INTERVAL:
		wbuf_put_u8(rs, l->garp_interval);
		break;
	case LP_GATEWAY:
		wbuf_put_bytes(rs, l->gateway, 4);
		break;
	case LP_GATEWAY_MAC:
		wbuf_put_bytes(rs, l->gateway_mac, 6);
		break;
	case LP_BACKUP_GATEWAY:
		wbuf_put_bytes(rs, l->backup_gateway, 4);
		break;
	case LP_BACKUP_GATEWAY_MAC:
		wbuf_put_bytes(rs, l->backup_gateway_mac, 6);
		break;
	case LP_COMMUNITY:
		wbuf_put_bytes(rs, l->community, sizeof(l->community));
		break;
	case LP_DEST_COUNT:
		wbuf_put_u8(rs, 0x00); /* no alert destinations: this BMC sends no traps */
		break;
	case LP_VLAN_ID:
		wbuf_put_u16le(rs, l->vlan_id);
		break;
	case LP_VLAN_PRIORITY:
		wbuf_put_u8(rs, l->vlan_priority);
		break;
	case LP_CIPHER_SUPPORT:
		wbuf_put_u8(rs, (uint8_t)params_cipher_suites(bmc, ids));
		break;
	case LP_CIPHER_ENTRIES:
		n = params_cipher_suites(bmc, ids);
		wbuf_put_u8(rs, 0x00);
		wbuf_put_bytes(rs, ids, n);
		break;
	case LP_CIPHER_PRIV:
		/* byte 1 reserved, then one nibble per entry, low nibble first */
		wbuf_put_u8(rs, 0x00);
		for (i = 0; i < 16; i += 2)
			wbuf_put_u8(
			    rs, (uint8_t)((l->cipher_priv[i] & 0x0f) | (l->cipher_priv[i + 1] & 0x0f) << 4));
		break;
	case LP_BAD_PASSWORD:
		wbuf_put_bytes(rs, l->bad_password, sizeof(l->bad_password));
		break;
	default:
		return CC_PARAM_UNSUPPORTED;
	}
	return CC_OK;
}

/* Data length each writable parameter takes (0 = read-only or unknown). */
static size_t
set_len(uint8_t param)
{
	switch (param) {
	case LP_SET_IN_PROGRESS:
	case LP_IP_SOURCE:
	case LP_ARP:
	case LP_GARP_INTERVAL:
	case LP_VLAN_PRIORITY:
		return 1;
	case LP_IP_HEADER:
		return 3;
	case LP_IP:
	case LP_NETMASK:
	case LP_GATEWAY:
	case LP_BACKUP_GATEWAY:
		return 4;
	case LP_AUTH_ENABLES:
		return 5;
	case LP_GATEWAY_MAC:
	case LP_BACKUP_GATEWAY_MAC:
	case LP_BAD_PASSWORD:
		return 6;
	case LP_VLAN_ID:
		return 2;
	case LP_CIPHER_PRIV:
		return 9;
	case LP_COMMUNITY:
		return 18;
	default:
		return 0;
	}
}

static bool
read_only(uint8_t param)
{
	switch (param) {
	case LP_AUTH_SUPPORT:
	case LP_MAC:
	case LP_PRIMARY_PORT:
	case LP_SECONDARY_PORT:
	case LP_DEST_COUNT:
	case LP_CIPHER_SUPPORT:
	case LP_CIPHER_ENTRIES:
		return true;
	default:
		return false;
	}
}

static uint8_t
set_cipher_priv(struct cmd_ctx *ctx, const uint8_t *d)
{
	struct bmc *bmc = ctx->bmc;
	uint8_t ids[16], want[16] = {0};
	size_t n = params_cipher_suites(bmc, ids), i;

	for (i = 0; i < 16; i++) {
		uint8_t v = (uint8_t)((d[1 + i / 2] >> ((i % 2) * 4)) & 0x0f);
		if (i >= n)
			continue; /* unused entries: ignored, reported as 0 */
		if (v > PRIV_OEM)
			return CC_INVALID_FIELD;
		want[i] = v;
	}
	for (i = 0; i < n; i++) {
		if (want[i] != 0 && bmc->params.lan.cipher_priv[i] == 0)
			bmc_logf(bmc, BMC_LOG_WARN, "cipher suite %u enabled over IPMI%s", ids[i],
			    (ids[i] == 1 || ids[i] == 15)       ? ": it has no integrity protection"
			        : (ids[i] == 2 || ids[i] == 16) ? ": it has no encryption"
			                                        : "");
		bmc->params.lan.cipher_priv[i] = want[i];
	}
	ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_LAN_CIPHER_PRIV);
	return CC_OK;
}

uint8_t
cmd_set_lan_config(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	struct lan_params *l = &bmc->params.lan;
	uint8_t b1 = buf_get_u8(rq), param = buf_get_u8(rq), d[32];
	size_t n = rq->left, want, i;
	enum bmc_param p;

	(void)rs;
	if (ctx_channel(ctx, b1) != CHANNEL_LAN || (b1 & 0xf0))
		return CC_INVALID_FIELD;
	if (read_only(param))
		return CC_PARAM_READ_ONLY;
	if ((want = set_len(param)) == 0)
		return CC_PARAM_UNSUPPORTED;
	if (n != want)
		return CC_REQ_LEN;
	buf_get_bytes(rq, d, n);

	switch (param) {
	case LP_SET_IN_PROGRESS:
		return set_in_progress_write(
		    &l->set_in_progress, &l->set_in_progress_ms, d[0], ctx->now->mono_ms);
	case LP_AUTH_ENABLES:
		for (i = 0; i < 5; i++)
			if (d[i] & ~auth_support(bmc))
				return CC_INVALID_FIELD;
		memcpy(l->auth_enables, d, 5);
		p = BMC_PARAM_LAN_AUTH_ENABLES;
		break;
	case LP_IP:
		memcpy(l->ip, d, 4);
		p = BMC_PARAM_LAN_IP;
		break;
	case LP_IP_SOURCE:
		if ((d[0] & 0x0f) > 4 || (d[0] & 0xf0))
			return CC_INVALID_FIELD;
		l->ip_source = d[0];
		p = BMC_PARAM_LAN_IP_SOURCE;
		break;
	case LP_NETMASK:
		memcpy(l->netmask, d, 4);
		p = BMC_PARAM_LAN_NETMASK;
		break;
	case LP_IP_HEADER:
		memcpy(l->ip_header, d, 3);
		p = BMC_PARAM_LAN_IP_HEADER;
		break;
	case LP_ARP:
		if (d[0] & 0xfc)
			return CC_INVALID_FIELD;
		l->arp = d[0];
		p = BMC_PARAM_LAN_ARP;
		break;
	case LP_GARP_INTERVAL:
		l->garp_interval = d[0];
		p = BMC_PARAM_LAN_GARP_INTERVAL;
		break;
	case LP_GATEWAY:
		memcpy(l->gateway, d, 4);
		p = BMC_PARAM_LAN_GATEWAY;
		break;
	case LP_GATEWAY_MAC:
		memcpy(l->gateway_mac, d, 6);
		p = BMC_PARAM_LAN_GATEWAY_MAC;
		break;
	case LP_BACKUP_GATEWAY:
		memcpy(l->backup_gateway, d, 4);
		p = BMC_PARAM_LAN_BACKUP_GATEWAY;
		break;
	case LP_BACKUP_GATEWAY_MAC:
		memcpy(l->backup_gateway_mac, d, 6);
		p = BMC_PARAM_LAN_BACKUP_GATEWAY_MAC;
		break;
	case LP_COMMUNITY:
		memcpy(l->community, d, 18);
		p = BMC_PARAM_LAN_COMMUNITY;
		break;
	case LP_VLAN_ID: {
		uint16_t v = (uint16_t)(d[0] | d[1] << 8);
		/* bit 15 enable, 11:0 ID; an enabled VLAN needs an ID of 1..4094 */
		if ((v & 0x7000) || ((v & 0x8000) && ((v & 0x0fff) == 0 || (v & 0x0fff) == 0x0fff)))
			return CC_INVALID_FIELD;
		l->vlan_id = v;
		p = BMC_PARAM_LAN_VLAN_ID;
		break;
	}
	case LP_VLAN_PRIORITY:
		if (d[0] & 0xf8)
			return CC_INVALID_FIELD;
		l->vlan_priority = d[0];
		p = BMC_PARAM_LAN_VLAN_PRIORITY;
		break;
	case LP_CIPHER_PRIV:
		return set_cipher_priv(ctx, d);
	case LP_BAD_PASSWORD:
		if (d[0] & 0xfe)
			return CC_INVALID_FIELD;
		memcpy(l->bad_password, d, 6);
		p = BMC_PARAM_LAN_BAD_PASSWORD;
		break;
	default:
		return CC_PARAM_UNSUPPORTED;
	}
	ctx_persist(ctx, FX_SAVE_PARAM, p);
	return CC_OK;
}
