/*
 * Parameters that persist: LAN configuration, channel access, K_G, the system
 * GUID, SOL configuration.  Their IPMI byte layouts are in cmd_transport.c and cmd_app.c; here
 * they are plain fields with a stable store key and a fixed-size blob.
 */
#include <stddef.h>

#include "core/bmc_int.h"

/*
 * Every suite this BMC can serve, in LAN parameter 23 order.  The spec and
 * ipmitool read parameter 24's nibbles per *entry*; FreeIPMI's ipmi-config
 * reads nibble N as suite ID N.  Putting suite N at entry N where it fits
 * (1, 2, 3) makes both read the same thing for those suites; 16 and 17 don't
 * fit in FreeIPMI's 0..15 view at all, and entry 0 is not a suite it shows.
 */
static const uint8_t supported_suites[] = {17, 1, 2, 3, 15, 16};
#define NSUITES (sizeof(supported_suites) / sizeof(supported_suites[0]))

#define SET_IN_PROGRESS_TIMEOUT_MS 60000

void
params_defaults(struct bmc *bmc)
{
	struct bmc_params *p = &bmc->params;
	const struct bmc_conf *c = &bmc->conf;
	size_t i;

	memset(p, 0, sizeof(*p));
	/* Alerting disabled (we send no traps), always available. */
	p->chan.access = p->chan.v_access = 0x22;
	p->chan.priv = p->chan.v_priv = c->channel_priv_limit ? c->channel_priv_limit : PRIV_ADMIN;
	p->global_enables = 0x08; /* SEL logging */
	memcpy(p->kg, c->kg, sizeof(p->kg));

	/* IPMI 1.5 authentication types, when enabled at all, for every privilege. */
	for (i = 0; i < sizeof(p->lan.auth_enables); i++)
		p->lan.auth_enables[i] = c->ipmi15_auth_types & AUTHTYPE_SUPPORTED_MASK;
	p->lan.ip_source = 0x01; /* static */
	p->lan.ip_header[0] = 0x40;
	p->lan.ip_header[1] = 0x40;
	p->lan.ip_header[2] = 0x10;
	p->lan.arp = 0x02;
	memcpy(p->lan.community, "public", 6);
	for (i = 0; i < NSUITES; i++)
		p->lan.cipher_priv[i] =
		    (c->suites_enabled & (1u << supported_suites[i])) ? c->suite_max_priv : 0;
	/* Audit events on; lock a user out for 60 s after 5 failures within 60 s. */
	p->lan.bad_password[0] = 0x01;
	p->lan.bad_password[1] = 5;
	p->lan.bad_password[2] = 6;
	p->lan.bad_password[4] = 6;
	sol_params_defaults(&p->sol);
}

size_t
params_cipher_suites(const struct bmc *bmc, uint8_t ids[16])
{
	(void)bmc;
	memcpy(ids, supported_suites, NSUITES);
	return NSUITES;
}

uint8_t
params_suite_priv(const struct bmc *bmc, uint8_t suite)
{
	size_t i;

	for (i = 0; i < NSUITES; i++)
		if (supported_suites[i] == suite) {
			uint8_t v = bmc->params.lan.cipher_priv[i];
			return v >= PRIV_CALLBACK && v <= PRIV_OEM ? v : 0;
		}
	return 0;
}

bool
params_kg_set(const struct bmc *bmc)
{
	size_t i;

	for (i = 0; i < sizeof(bmc->params.kg); i++)
		if (bmc->params.kg[i] != 0)
			return true;
	return false;
}

void
params_tick(struct bmc *bmc, uint64_t now_ms)
{
	struct lan_params *l = &bmc->params.lan;
	struct sol_params *sp = &bmc->params.sol;

	/* A client that died mid-set must not lock the others out (CHECKLIST 18). */
	set_in_progress_expire(&l->set_in_progress, l->set_in_progress_ms, now_ms);
	set_in_progress_expire(&sp->set_in_progress, sp->set_in_progress_ms, now_ms);
}

/* Where each parameter lives: key, offset in struct bmc, size. */
struct param_desc {
	const char *key;
	size_t off;
	size_t len;
};

#define P(key, field)                                                                                        \
	{                                                                                                    \
		key, offsetof(struct bmc, field), sizeof(((struct bmc *)0)->field)                           \
	}
static const struct param_desc param_descs[BMC_PARAM_COUNT] = {
    [BMC_PARAM_CHANNEL_ACCESS] = {"channel.1.access", offsetof(struct bmc, params.chan), 2},
    [BMC_PARAM_GLOBAL_ENABLES] = P("bmc.global_enables", params.global_enables),
    [BMC_PARAM_LAN_AUTH_ENABLES] = P("lan.auth_enables", params.lan.auth_enables),
    [BMC_PARAM_LAN_IP] = P("lan.ip", params.lan.ip),
    [BMC_PARAM_LAN_IP_SOURCE] = P("lan.ip_source", params.lan.ip_source),
    [BMC_PARAM_LAN_NETMASK] = P("lan.netmask", params.lan.netmask),
    [BMC_PARAM_LAN_IP_HEADER] = P("lan.ip_header", params.lan.ip_header),
    [BMC_PARAM_LAN_ARP] = P("lan.arp", params.lan.arp),
    [BMC_PARAM_LAN_GARP_INTERVAL] = P("lan.garp_interval", params.lan.garp_interval),
    [BMC_PARAM_LAN_GATEWAY] = P("lan.gateway", params.lan.gateway),
    [BMC_PARAM_LAN_GATEWAY_MAC] = P("lan.gateway_mac", params.lan.gateway_mac),
    [BMC_PARAM_LAN_BACKUP_GATEWAY] = P("lan.backup_gateway", params.lan.backup_gateway),
    [BMC_PARAM_LAN_BACKUP_GATEWAY_MAC] = P("lan.backup_gateway_mac", params.lan.backup_gateway_mac),
    [BMC_PARAM_LAN_COMMUNITY] = P("lan.community", params.lan.community),
    [BMC_PARAM_LAN_VLAN_ID] = P("lan.vlan_id", params.lan.vlan_id),
    [BMC_PARAM_LAN_VLAN_PRIORITY] = P("lan.vlan_priority", params.lan.vlan_priority),
    [BMC_PARAM_LAN_CIPHER_PRIV] = P("lan.cipher_priv", params.lan.cipher_priv),
    [BMC_PARAM_LAN_BAD_PASSWORD] = P("lan.bad_password", params.lan.bad_password),
    [BMC_PARAM_KG] = P("channel.1.kg", params.kg),
    [BMC_PARAM_SYSTEM_GUID] = P("bmc.system_guid", conf.system_guid),
    [BMC_PARAM_SEL_TIME_OFFSET] = P("sel.time_offset", sel.time_offset),
    [BMC_PARAM_SEL_UTC_OFFSET] = P("sel.utc_offset", sel.utc_offset),
    [BMC_PARAM_CHASSIS] = P("chassis.saved", chassis.saved),
    [BMC_PARAM_BOOT_OPTIONS] = P("chassis.boot_options", boot.saved),
    [BMC_PARAM_SOL] = P("sol.config", params.sol.saved),
    [BMC_PARAM_SOL_PAYLOAD_ACCESS] = P("sol.payload_denied", params.sol.payload_denied),
};
#undef P

const char *
bmc_param_key(enum bmc_param p)
{
	return (unsigned)p < BMC_PARAM_COUNT ? param_descs[p].key : NULL;
}

enum bmc_param
bmc_param_by_key(const char *key)
{
	unsigned i;

	for (i = 0; i < BMC_PARAM_COUNT; i++)
		if (param_descs[i].key != NULL && strcmp(param_descs[i].key, key) == 0)
			return (enum bmc_param)i;
	return BMC_PARAM_COUNT;
}

size_t
bmc_param_export(const struct bmc *bmc, enum bmc_param p, uint8_t out[BMC_PARAM_BLOB_MAX])
{
	const struct param_desc *d;

	if ((unsigned)p >= BMC_PARAM_COUNT)
		return 0;
	d = &param_descs[p];
	memcpy(out, (const uint8_t *)bmc + d->off, d->len);
	return d->len;
}

int
bmc_param_import(struct bmc *bmc, enum bmc_param p, const uint8_t *blob, size_t len)
{
	const struct param_desc *d;

	if ((unsigned)p >= BMC_PARAM_COUNT)
		return BMC_ERR_INVALID;
	d = &param_descs[p];
	if (len != d->len)
		return BMC_ERR_INVALID;
	/* A configured GUID wins over the one generated at an earlier start. */
	if (p == BMC_PARAM_SYSTEM_GUID && !bmc->guid_generated)
		return BMC_OK;
	/* K_G from the config file wins too, so that editing the file changes it. */
	if (p == BMC_PARAM_KG && params_kg_configured(bmc))
		return BMC_OK;
	memcpy((uint8_t *)bmc + d->off, blob, len);
	if (p == BMC_PARAM_SYSTEM_GUID)
		memcpy(bmc->conf.device_guid, bmc->conf.system_guid, 16);
	if (p == BMC_PARAM_CHANNEL_ACCESS) {
		bmc->params.chan.v_access = bmc->params.chan.access;
		bmc->params.chan.v_priv = bmc->params.chan.priv;
	}
	if (p == BMC_PARAM_SOL)
		sol_params_sanitize(&bmc->params.sol);
	return BMC_OK;
}

bool
params_kg_configured(const struct bmc *bmc)
{
	size_t i;

	for (i = 0; i < sizeof(bmc->conf.kg); i++)
		if (bmc->conf.kg[i] != 0)
			return true;
	return false;
}

uint8_t
set_in_progress_write(uint8_t *state, uint64_t *since_ms, uint8_t v, uint64_t now_ms)
{
	switch (v & 0x03) {
	case 0x00:
	case 0x02: /* commit: every set is applied at once, so commit is "complete" */
		*state = 0;
		return CC_OK;
	case 0x01:
		if (*state == 1)
			return CC_SET_IN_PROGRESS;
		*state = 1;
		*since_ms = now_ms;
		return CC_OK;
	default:
		return CC_INVALID_FIELD;
	}
}

void
set_in_progress_expire(uint8_t *state, uint64_t since_ms, uint64_t now_ms)
{
	if (*state != 0 && now_ms - since_ms >= SET_IN_PROGRESS_TIMEOUT_MS)
		*state = 0;
}
