/*
 * A fleet is the configuration used as a template: member i gets a name from
 * the pattern, an address (or port) counted up from the base, and a system
 * GUID whose last twelve hex digits spell its number in decimal, so that
 * `ipmitool mc guid` and the FRU serials derived from the GUID (SV, MB and
 * CH + the last ten digits) tell the members apart at a glance.
 */
#include <stdio.h>
#include <string.h>

#include "config/config.h"

static const struct config_fleet_override *
override_of(const struct config_fleet *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->noverrides; i++)
		if (strcmp(f->overrides[i].name, name) == 0)
			return &f->overrides[i];
	return NULL;
}

/* a + n, or -1 when it runs past the family's last address. */
static int
addr_add(struct bmc_addr *a, unsigned n)
{
	size_t len = a->family == 4 ? 4 : 16;
	uint64_t carry = n;
	size_t i;

	for (i = len; i-- > 0 && carry != 0;) {
		carry += a->ip[i];
		a->ip[i] = (uint8_t)carry;
		carry >>= 8;
	}
	return carry == 0 ? 0 : -1;
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h;
}

/*
 * The first twenty hex digits are the same for every member: from the
 * configured system_guid when there is one, else from the state directory
 * and the pattern (two fleets on one network get different GUIDs).
 */
static void
member_guid(const struct config *cfg, unsigned number, uint8_t wire[16])
{
	static const uint8_t zero[16];
	char base[37], text[64];
	uint64_t h;

	if (memcmp(cfg->bmc.system_guid, zero, 16) != 0) {
		bmc_guid_format(cfg->bmc.system_guid, base);
	} else {
		h = fnv1a(fnv1a(0xcbf29ce484222325ull, cfg->state_dir), cfg->fleet.name);
		snprintf(base, sizeof(base), "%08x-%04x-4%03x-%04x-", (unsigned)(h >> 32),
		    (unsigned)(h >> 16) & 0xffff, (unsigned)h & 0xfff,
		    0x8000u | ((unsigned)(fnv1a(h, "v") >> 40) & 0x3fff));
	}
	snprintf(text, sizeof(text), "%.24s%012u", base, number);
	if (number > 999999999u || bmc_guid_parse(text, wire) != 0)
		memset(wire, 0, 16);
}

int
config_fleet_member(
    const struct config *cfg, unsigned i, struct config_fleet_member *m, char *err, size_t errlen)
{
	const struct config_fleet *f = &cfg->fleet;
	const struct config_fleet_override *o;
	unsigned number = f->first + i;
	int n;

	memset(m, 0, sizeof(*m));
	m->power_on = cfg->host.power_on;
	if (f->count == 0) {
		snprintf(m->name, sizeof(m->name), "%s", cfg->bmc.name);
		m->listen = cfg->listen[0];
		return 0;
	}
	if (i >= f->count || number < f->first) {
		snprintf(err, errlen, "fleet: member %u is out of range", i);
		return -1;
	}
	/* The pattern was checked to hold exactly one integer conversion. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = snprintf(m->name, sizeof(m->name), f->name, number);
#pragma GCC diagnostic pop
	if (n < 0 || (size_t)n >= sizeof(m->name)) {
		snprintf(err, errlen, "fleet: the name of member %u is longer than %d characters", number,
		    BMC_INSTANCE_NAME_MAX - 1);
		return -1;
	}
	m->listen = f->has_base ? f->base : cfg->listen[0];
	if (f->step_port) {
		if ((unsigned)m->listen.port + i > 65535) {
			snprintf(
			    err, errlen, "fleet: member %s would need port %u", m->name, m->listen.port + i);
			return -1;
		}
		m->listen.port = (uint16_t)(m->listen.port + i);
	} else if (addr_add(&m->listen, i) == -1) {
		snprintf(
		    err, errlen, "fleet: member %s would need an address past the end of the range", m->name);
		return -1;
	}
	member_guid(cfg, number, m->system_guid);
	if ((o = override_of(f, m->name)) != NULL) {
		if (o->has_listen)
			m->listen = o->listen;
		if (o->has_guid)
			memcpy(m->system_guid, o->system_guid, 16);
		if (o->power_on >= 0)
			m->power_on = o->power_on != 0;
	}
	return 0;
}

int
config_fleet_check(const struct config *cfg, char *err, size_t errlen)
{
	const struct config_fleet *f = &cfg->fleet;
	struct config_fleet_member m, first;
	size_t i;
	unsigned k;

	if (f->count == 0)
		return 0;
	if (!f->has_base && cfg->nlisten == 0) {
		snprintf(err, errlen, "fleet: no base address (fleet.listen or --listen)");
		return -1;
	}
	for (k = 0; k < f->count; k++)
		if (config_fleet_member(cfg, k, &m, err, errlen) == -1)
			return -1;
	/* Names come from an increasing number, so they differ unless the pattern truncates. */
	if (f->count > 1) {
		(void)config_fleet_member(cfg, 0, &first, err, errlen);
		(void)config_fleet_member(cfg, 1, &m, err, errlen);
		if (strcmp(first.name, m.name) == 0) {
			snprintf(err, errlen, "fleet: the name pattern gives every member the same name");
			return -1;
		}
	}
	for (i = 0; i < f->noverrides; i++) {
		bool found = false;

		for (k = 0; k < f->count && !found; k++)
			found = config_fleet_member(cfg, k, &m, err, errlen) == 0 &&
			    strcmp(m.name, f->overrides[i].name) == 0;
		if (!found) {
			snprintf(
			    err, errlen, "fleet.overrides: no member is called %s", f->overrides[i].name);
			return -1;
		}
	}
	return 0;
}
