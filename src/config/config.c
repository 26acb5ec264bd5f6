/*
 * The YAML configuration file (docs/configuration.md).  Every error reads
 * "FILE:LINE: message" and names what was expected; the walk goes on after
 * an error so that one run reports all of them.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "config/config.h"
#include "core/ipmi.h"

#define CONFIG_FILE_MAX (16u << 20) /* bytes */

struct ctx {
	const char *name;
	char *err;
	size_t errlen;
	size_t used;
	int nerr;
	struct config *cfg;
};

static int
node_line(struct fy_node *n)
{
	struct fy_token *t = n ? fy_node_get_scalar_token(n) : NULL;
	const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;

	return m ? m->line + 1 : 0;
}

static void cerr(struct ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
cerr(struct ctx *c, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->nerr++;
	if (c->errlen == 0 || c->used >= c->errlen - 1)
		return;
	n = snprintf(
	    c->err + c->used, c->errlen - c->used, "%s%s:%d: %s", c->used ? "\n" : "", c->name, line, msg);
	if (n > 0)
		c->used += (size_t)n < c->errlen - c->used ? (size_t)n : c->errlen - c->used - 1;
}

/* A scalar as a NUL-terminated string in buf; false (with an error) for anything else. */
static bool
scalar(struct ctx *c, struct fy_node *v, int line, const char *key, char *buf, size_t len)
{
	const char *s;
	size_t n;

	if (v == NULL || !fy_node_is_scalar(v) || fy_node_is_alias(v) ||
	    (s = fy_node_get_scalar(v, &n)) == NULL) {
		cerr(c, line, "%s: expected a single value", key);
		return false;
	}
	if (n >= len || memchr(s, '\0', n) != NULL) {
		cerr(c, line, "%s: value too long (at most %zu characters)", key, len - 1);
		return false;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

static bool
number(struct ctx *c, struct fy_node *v, int line, const char *key, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char buf[32], *end;
	unsigned long x;

	if (!scalar(c, v, line, key, buf, sizeof(buf)))
		return false;
	errno = 0;
	x = strtoul(buf, &end, 0);
	if (buf[0] == '\0' || buf[0] == '-' || *end != '\0' || errno != 0 || x < min || x > max) {
		cerr(c, line, "%s: expected a number from %lu to %lu, not \"%s\"", key, min, max, buf);
		return false;
	}
	*out = x;
	return true;
}

/* A signed number from min to max (decimal, 0x hex). */
static bool
snumber(struct ctx *c, struct fy_node *v, int line, const char *key, long min, long max, long *out)
{
	char buf[32], *end;
	long x;

	if (!scalar(c, v, line, key, buf, sizeof(buf)))
		return false;
	errno = 0;
	x = strtol(buf, &end, 0);
	if (buf[0] == '\0' || isspace((unsigned char)buf[0]) || *end != '\0' || errno != 0 || x < min ||
	    x > max) {
		cerr(c, line, "%s: expected a whole number from %ld to %ld, not \"%s\"", key, min, max, buf);
		return false;
	}
	*out = x;
	return true;
}

/* A finite number (YAML int or float) from min to max; either bound may be infinite. */
static bool
real(struct ctx *c, struct fy_node *v, int line, const char *key, double min, double max, double *out)
{
	char buf[64], *end;
	double x;

	if (!scalar(c, v, line, key, buf, sizeof(buf)))
		return false;
	errno = 0;
	x = strtod(buf, &end);
	if (buf[0] != '\0' && !isspace((unsigned char)buf[0]) && *end == '\0' && errno == 0 && isfinite(x) &&
	    x >= min && x <= max) {
		*out = x;
		return true;
	}
	if (isinf(min) && isinf(max))
		cerr(c, line, "%s: expected a number, not \"%s\"", key, buf);
	else if (isinf(max))
		cerr(c, line, "%s: expected a number of at least %g, not \"%s\"", key, min, buf);
	else
		cerr(c, line, "%s: expected a number from %g to %g, not \"%s\"", key, min, max, buf);
	return false;
}

static bool
bool_word(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0)
		*out = false;
	else
		return false;
	return true;
}

static bool
boolean(struct ctx *c, struct fy_node *v, int line, const char *key, bool *out)
{
	char buf[16];

	if (!scalar(c, v, line, key, buf, sizeof(buf)))
		return false;
	if (!bool_word(buf, out)) {
		cerr(c, line, "%s: expected true or false, not \"%s\"", key, buf);
		return false;
	}
	return true;
}

/* No value: `key:`, `~`, `null`, `none` (a quoted "none" is a string). */
static bool
is_null(struct fy_node *v)
{
	const char *s;
	size_t n;

	if (v == NULL)
		return true;
	if (!fy_node_is_scalar(v) || fy_node_is_alias(v) || fy_node_get_style(v) != FYNS_PLAIN ||
	    (s = fy_node_get_scalar(v, &n)) == NULL)
		return false;
	return n == 0 || (n == 1 && s[0] == '~') || (n == 4 && strncasecmp(s, "null", 4) == 0) ||
	    (n == 4 && strncmp(s, "none", 4) == 0);
}

struct word {
	const char *name;
	unsigned long value;
};

/* One of words, or (when max is not 0) a number from 0 to max. */
static bool
word_value(struct ctx *c, struct fy_node *v, int line, const char *key, const struct word *w,
    unsigned long max, unsigned long *out)
{
	char buf[32], list[200], *end;
	size_t i, used = 0;
	unsigned long x;

	if (!scalar(c, v, line, key, buf, sizeof(buf)))
		return false;
	for (i = 0; w[i].name != NULL; i++)
		if (strcmp(buf, w[i].name) == 0) {
			*out = w[i].value;
			return true;
		}
	if (max != 0 && isdigit((unsigned char)buf[0])) {
		errno = 0;
		x = strtoul(buf, &end, 0);
		if (*end == '\0' && errno == 0 && x <= max) {
			*out = x;
			return true;
		}
	}
	list[0] = '\0';
	for (i = 0; w[i].name != NULL && used < sizeof(list); i++)
		used +=
		    (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i == 0 ? "" : ", ", w[i].name);
	if (max != 0)
		cerr(c, line, "%s: expected %s or a number from 0 to %lu, not \"%s\"", key, list, max, buf);
	else
		cerr(c, line, "%s: expected %s, not \"%s\"", key, list, buf);
	return false;
}

static bool
priv_value(struct ctx *c, struct fy_node *v, int line, const char *key, uint8_t *out)
{
	char buf[32];
	unsigned char p;

	if (!scalar(c, v, line, key, buf, sizeof(buf)))
		return false;
	if ((p = config_parse_priv(buf)) == 0) {
		cerr(c, line, "%s: expected callback, user, operator or administrator, not \"%s\"", key, buf);
		return false;
	}
	*out = p;
	return true;
}

unsigned char
config_parse_priv(const char *s)
{
	if (strcasecmp(s, "callback") == 0)
		return PRIV_CALLBACK;
	if (strcasecmp(s, "user") == 0)
		return PRIV_USER;
	if (strcasecmp(s, "operator") == 0)
		return PRIV_OPERATOR;
	if (strcasecmp(s, "administrator") == 0 || strcasecmp(s, "admin") == 0)
		return PRIV_ADMIN;
	return 0;
}

const char *
config_priv_name(unsigned char priv)
{
	switch (priv) {
	case PRIV_CALLBACK:
		return "callback";
	case PRIV_USER:
		return "user";
	case PRIV_OPERATOR:
		return "operator";
	case PRIV_ADMIN:
		return "administrator";
	case PRIV_OEM:
		return "oem";
	case PRIV_NO_ACCESS:
		return "no-access";
	default:
		return "unknown";
	}
}

int
config_parse_addr(const char *s, struct bmc_addr *out)
{
	char host[64];
	const char *port = NULL, *colon;
	unsigned long p = 623;
	size_t hl;
	char *end;

	memset(out, 0, sizeof(*out));
	if (s == NULL || *s == '\0')
		return -1;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL || (rb[1] != '\0' && rb[1] != ':'))
			return -1;
		hl = (size_t)(rb - s - 1);
		if (hl == 0 || hl >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		if (rb[1] == ':')
			port = rb + 2;
	} else if ((colon = strchr(s, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		hl = (size_t)(colon - s);
		if (hl == 0 || hl >= sizeof(host))
			return -1;
		memcpy(host, s, hl);
		host[hl] = '\0';
		port = colon + 1;
	} else {
		if (strlen(s) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%s", s);
	}
	if (port != NULL) {
		errno = 0;
		p = strtoul(port, &end, 10);
		if (*port == '\0' || *end != '\0' || errno || p < 1 || p > 65535)
			return -1;
	}
	out->port = (uint16_t)p;
	if (inet_pton(AF_INET, host, out->ip) == 1) {
		out->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, out->ip) == 1) {
		out->family = 6;
		return 0;
	}
	return -1;
}

void
config_format_addr(const struct bmc_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->family == 6) {
		inet_ntop(AF_INET6, a->ip, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, a->port);
	} else {
		inet_ntop(AF_INET, a->ip, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, a->port);
	}
}

void
config_defaults(struct config *cfg)
{
	static const uint8_t zero_guid[16];

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "/var/lib/ghostbmc");
	cfg->log_level = BMC_LOG_INFO;
	bmc_conf_defaults(&cfg->bmc);
	sim_params_defaults(&cfg->host);
	cfg->host_type = CONFIG_HOST_SIM;
	cfg->host_exec.timeout_s = 10;
	cfg->host_exec.poll_interval_s = 5;
	snprintf(cfg->host_qemu.binary, sizeof(cfg->host_qemu.binary), "qemu-system-x86_64");
	cfg->host_qemu.shutdown_timeout_s = 30;
	snprintf(cfg->fleet.name, sizeof(cfg->fleet.name), "node%%04u");
	cfg->fleet.first = 1;
	cfg->nsensors = bmc_sensor_defaults(cfg->sensors, CONFIG_MAX_SENSORS);
	if (cfg->nsensors > CONFIG_MAX_SENSORS)
		cfg->nsensors = CONFIG_MAX_SENSORS;
	/* FRU 0 with no serials: the daemon derives them from the system GUID. */
	bmc_fru_defaults(&cfg->frus[0], zero_guid);
	cfg->frus[0].chassis_serial[0] = '\0';
	cfg->frus[0].board_serial[0] = '\0';
	cfg->frus[0].product_serial[0] = '\0';
	cfg->nfrus = 1;
}

/* ---- sections ---- */

static void
do_listen(struct ctx *c, struct fy_node *v, int line)
{
	struct fy_node *item;
	void *it = NULL;
	char buf[96];

	c->cfg->nlisten = 0;
	if (fy_node_is_scalar(v)) {
		if (scalar(c, v, line, "listen", buf, sizeof(buf)) &&
		    config_parse_addr(buf, &c->cfg->listen[c->cfg->nlisten++]) != 0) {
			c->cfg->nlisten--;
			cerr(c, line, "listen: \"%s\" is not ADDRESS[:PORT]", buf);
		}
		return;
	}
	if (!fy_node_is_sequence(v)) {
		cerr(c, line, "listen: expected an address or a list of addresses");
		return;
	}
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
		int l = node_line(item) ? node_line(item) : line;
		if (c->cfg->nlisten == CONFIG_MAX_LISTEN) {
			cerr(c, l, "listen: at most %d addresses", CONFIG_MAX_LISTEN);
			return;
		}
		if (!scalar(c, item, l, "listen", buf, sizeof(buf)))
			continue;
		if (config_parse_addr(buf, &c->cfg->listen[c->cfg->nlisten]) != 0)
			cerr(c, l, "listen: \"%s\" is not ADDRESS[:PORT]", buf);
		else
			c->cfg->nlisten++;
	}
}

static bool
hex_bytes(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t len = strlen(s), i;

	if (len == 0 || len % 2 != 0 || len / 2 > max)
		return false;
	for (i = 0; i < len; i += 2) {
		if (!isxdigit((unsigned char)s[i]) || !isxdigit((unsigned char)s[i + 1]))
			return false;
		out[i / 2] = (uint8_t)strtoul((char[]){s[i], s[i + 1], 0}, NULL, 16);
	}
	*n = len / 2;
	return true;
}

static void
set_kg(struct ctx *c, int line, const char *text)
{
	uint8_t kg[20] = {0};
	size_t n = 0, i;
	bool zero = true;

	if (!hex_bytes(text, kg, sizeof(kg), &n)) {
		cerr(c, line, "kg: expected 2 to 40 hex digits (the K_G key, up to 20 bytes)");
		return;
	}
	for (i = 0; i < n; i++)
		zero &= kg[i] == 0;
	if (zero || kg[0] == 0) {
		cerr(c, line,
		    "kg: a key that is all zero or starts with a zero byte is ignored by ipmitool; pick "
		    "another");
		return;
	}
	memcpy(c->cfg->bmc.kg, kg, sizeof(kg));
}

static void
do_kg_file(struct ctx *c, int line, const char *path)
{
	char buf[128];
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		cerr(c, line, "kg_file: %s: %s", path, strerror(errno));
		return;
	}
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	set_kg(c, line, buf);
}

static void
do_suites(struct ctx *c, struct fy_node *v, int line)
{
	struct fy_node *item;
	void *it = NULL;
	unsigned long id;
	uint32_t mask = 0;

	if (!fy_node_is_sequence(v)) {
		cerr(c, line, "cipher_suites: expected a list such as [3, 17]");
		return;
	}
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
		int l = node_line(item) ? node_line(item) : line;
		if (!number(c, item, l, "cipher_suites", 0, 31, &id))
			continue;
		if (id == 0)
			cerr(
			    c, l, "cipher_suites: suite 0 has no authentication at all and is never offered");
		else if (!(BMC_SUITE_SUPPORTED_MASK & (1u << id)))
			cerr(c, l, "cipher_suites: suite %lu is not supported (1, 2, 3, 15, 16, 17 are)", id);
		else
			mask |= 1u << id;
	}
	if (mask == 0 && c->nerr == 0)
		cerr(c, line, "cipher_suites: at least one suite is needed");
	c->cfg->bmc.suites_enabled = mask;
}

static void
do_ipmi15(struct ctx *c, struct fy_node *v, int line)
{
	struct fy_node *item;
	void *it = NULL;
	char buf[32];
	uint8_t mask = 0;

	if (!fy_node_is_sequence(v)) {
		cerr(c, line, "ipmi15_auth_types: expected a list such as [md5]");
		return;
	}
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
		int l = node_line(item) ? node_line(item) : line;
		if (!scalar(c, item, l, "ipmi15_auth_types", buf, sizeof(buf)))
			continue;
		if (strcmp(buf, "md5") == 0)
			mask |= 1u << AUTHTYPE_MD5;
		else if (strcmp(buf, "password") == 0)
			mask |= 1u << AUTHTYPE_PASSWORD;
		else if (strcmp(buf, "none") == 0)
			mask |= 1u << AUTHTYPE_NONE;
		else
			cerr(c, l, "ipmi15_auth_types: expected md5, password or none, not \"%s\"", buf);
	}
	c->cfg->bmc.ipmi15_auth_types = mask;
}

static void
do_device(struct ctx *c, struct fy_node *m, int line)
{
	struct bmc_conf *b = &c->cfg->bmc;
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "device: expected a mapping");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k);
		char buf[32];

		if (key == NULL)
			cerr(c, l, "device: keys must be names");
		else if (strcmp(key, "device_id") == 0 && number(c, v, l, key, 0, 255, &x))
			b->device_id = (uint8_t)x;
		else if (strcmp(key, "device_revision") == 0 && number(c, v, l, key, 0, 15, &x))
			b->device_rev = (uint8_t)x;
		else if (strcmp(key, "manufacturer_id") == 0 && number(c, v, l, key, 0, 0xfffff, &x))
			b->manufacturer_id = (uint32_t)x;
		else if (strcmp(key, "product_id") == 0 && number(c, v, l, key, 0, 0xffff, &x))
			b->product_id = (uint16_t)x;
		else if (strcmp(key, "firmware") == 0) {
			unsigned maj, min;
			char tail;
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				if (sscanf(buf, "%u.%u%c", &maj, &min, &tail) != 2 || maj > 127 || min > 99)
					cerr(c, l, "firmware: expected MAJOR.MINOR (0-127.0-99), not \"%s\"",
					    buf);
				else {
					b->fw_major = (uint8_t)maj;
					b->fw_minor = (uint8_t)((min / 10) << 4 | (min % 10));
				}
			}
		} else if (strcmp(key, "device_id") != 0 && strcmp(key, "device_revision") != 0 &&
		    strcmp(key, "manufacturer_id") != 0 && strcmp(key, "product_id") != 0)
			cerr(c, l, "device: unknown key \"%s\"", key);
	}
}

static bool
valid_instance_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= BMC_INSTANCE_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static void
do_bmc(struct ctx *c, struct fy_node *m, int line)
{
	struct bmc_conf *b = &c->cfg->bmc;
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "bmc: expected a mapping");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k);
		char buf[CONFIG_PATH_MAX];

		if (key == NULL) {
			cerr(c, l, "bmc: keys must be names");
		} else if (strcmp(key, "name") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				if (!valid_instance_name(buf))
					cerr(c, l, "name: 1 to %d letters, digits, '.', '_' or '-'",
					    BMC_INSTANCE_NAME_MAX - 1);
				else
					memcpy(b->name, buf, strlen(buf) + 1);
			}
		} else if (strcmp(key, "system_guid") == 0 || strcmp(key, "device_guid") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf)) &&
			    bmc_guid_parse(buf, key[0] == 's' ? b->system_guid : b->device_guid) != 0)
				cerr(c, l, "%s: expected a GUID like 6f1c2a1e-3b4d-4e5f-9a8b-0c1d2e3f4a5b",
				    key);
		} else if (strcmp(key, "mac") == 0) {
			unsigned m6[6];
			char tail;
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				if (sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m6[0], &m6[1], &m6[2], &m6[3],
				        &m6[4], &m6[5], &tail) != 6)
					cerr(c, l, "mac: expected six hex bytes like 02:00:00:00:00:01");
				else
					for (x = 0; x < 6; x++)
						b->mac[x] = (uint8_t)m6[x];
			}
		} else if (strcmp(key, "cipher_suites") == 0) {
			do_suites(c, v, l);
		} else if (strcmp(key, "ipmi15_auth_types") == 0) {
			do_ipmi15(c, v, l);
		} else if (strcmp(key, "cipher_suite_privilege") == 0) {
			priv_value(c, v, l, key, &b->suite_max_priv);
		} else if (strcmp(key, "channel_privilege_limit") == 0) {
			priv_value(c, v, l, key, &b->channel_priv_limit);
		} else if (strcmp(key, "session_timeout") == 0) {
			if (number(c, v, l, key, 1, 3600, &x))
				b->session_timeout_ms = (uint32_t)x * 1000;
		} else if (strcmp(key, "max_sessions") == 0) {
			if (number(c, v, l, key, 1, 63, &x))
				b->max_sessions = (uint8_t)x;
		} else if (strcmp(key, "max_pending_sessions") == 0) {
			if (number(c, v, l, key, 1, 64, &x))
				b->max_pending = (uint8_t)x;
		} else if (strcmp(key, "max_pending_per_source") == 0) {
			if (number(c, v, l, key, 1, 64, &x))
				b->max_pending_per_source = (uint8_t)x;
		} else if (strcmp(key, "pending_timeout") == 0) {
			if (number(c, v, l, key, 1, 60, &x))
				b->pending_timeout_ms = (uint32_t)x * 1000;
		} else if (strcmp(key, "preauth_rate") == 0) {
			if (number(c, v, l, key, 0, 10000, &x))
				b->preauth_rate = (uint16_t)x;
		} else if (strcmp(key, "preauth_burst") == 0) {
			if (number(c, v, l, key, 1, 20000, &x))
				b->preauth_burst = (uint16_t)x;
		} else if (strcmp(key, "password_classes") == 0) {
			if (number(c, v, l, key, 0, 4, &x))
				b->password_classes = (uint8_t)x;
		} else if (strcmp(key, "min_password_length") == 0) {
			if (number(c, v, l, key, 1, 20, &x))
				b->min_password_len = (uint8_t)x;
		} else if (strcmp(key, "kg") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf)))
				set_kg(c, l, buf);
		} else if (strcmp(key, "kg_file") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf)))
				do_kg_file(c, l, buf);
		} else if (strcmp(key, "device") == 0) {
			do_device(c, v, l);
		} else {
			cerr(c, l, "bmc: unknown key \"%s\"", key);
		}
	}
}

static void
do_user(struct ctx *c, struct fy_node *m, int line)
{
	struct config_user u;
	struct fy_node_pair *p;
	void *it = NULL;
	bool has_file = false;
	int start = c->nerr;
	size_t i;

	memset(&u, 0, sizeof(u));
	u.privilege = PRIV_USER;
	u.enabled = true;
	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "users: each user is a mapping with name, password_file and privilege");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k);
		char buf[CONFIG_PATH_MAX];

		if (line == 0)
			line = l;
		if (key == NULL) {
			cerr(c, l, "users: keys must be names");
		} else if (strcmp(key, "name") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				size_t n = strlen(buf), j;
				for (j = 0; j < n && buf[j] > 0x20 && buf[j] < 0x7f; j++)
					;
				if (n == 0 || n > BMC_NAME_LEN || j != n)
					cerr(c, l, "name: 1 to 16 printable characters without spaces");
				else
					memcpy(u.name, buf, strlen(buf) + 1);
			}
		} else if (strcmp(key, "password_file") == 0) {
			if (scalar(c, v, l, key, u.password_file, sizeof(u.password_file)))
				has_file = true;
		} else if (strcmp(key, "password") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				if (strlen(buf) == 0 || strlen(buf) > BMC_PASSWORD_MAX)
					cerr(c, l, "password: 1 to 20 characters");
				else {
					memcpy(u.password, buf, strlen(buf) + 1);
					u.has_inline_password = true;
				}
			}
		} else if (strcmp(key, "privilege") == 0) {
			priv_value(c, v, l, key, &u.privilege);
		} else if (strcmp(key, "enabled") == 0) {
			boolean(c, v, l, key, &u.enabled);
		} else {
			cerr(c, l, "users: unknown key \"%s\"", key);
		}
	}
	if (c->nerr != start)
		return;
	if (u.name[0] == '\0') {
		cerr(c, line, "users: a user needs a name");
		return;
	}
	if (has_file == u.has_inline_password) {
		cerr(c, line, "user %s: give exactly one of password_file and password", u.name);
		return;
	}
	for (i = 0; i < c->cfg->nusers; i++)
		if (strcmp(c->cfg->users[i].name, u.name) == 0) {
			cerr(c, line, "user %s: defined twice", u.name);
			return;
		}
	if (c->cfg->nusers == CONFIG_MAX_USERS) {
		cerr(c, line, "users: at most %d users", CONFIG_MAX_USERS);
		return;
	}
	c->cfg->users[c->cfg->nusers++] = u;
}

static void
do_users(struct ctx *c, struct fy_node *v, int line)
{
	struct fy_node *item;
	void *it = NULL;

	if (!fy_node_is_sequence(v)) {
		cerr(c, line, "users: expected a list of users");
		return;
	}
	c->cfg->nusers = 0;
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL)
		do_user(c, item, line);
}

/* A command of host.exec: one line of shell, not empty. */
static void
exec_command(struct ctx *c, struct fy_node *v, int line, const char *key, char *out, size_t len)
{
	char buf[CONFIG_CMD_MAX];
	size_t i;

	if (!scalar(c, v, line, key, buf, sizeof(buf)))
		return;
	for (i = 0; buf[i] != '\0' && isspace((unsigned char)buf[i]); i++)
		;
	if (buf[i] == '\0') {
		cerr(c, line, "%s: expected a command (run with /bin/sh -c)", key);
		return;
	}
	if (strpbrk(buf, "\n\r") != NULL) {
		cerr(c, line, "%s: expected one line (put longer commands in a script)", key);
		return;
	}
	snprintf(out, len, "%s", buf);
}

static void
do_host_exec(struct ctx *c, struct fy_node *m, int line)
{
	struct config_host_exec *e = &c->cfg->host_exec;
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "exec: expected a mapping with power_on, power_off and the optional commands");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k);

		if (key == NULL)
			cerr(c, l, "exec: keys must be names");
		else if (strcmp(key, "power_on") == 0)
			exec_command(c, v, l, key, e->power_on, sizeof(e->power_on));
		else if (strcmp(key, "power_off") == 0)
			exec_command(c, v, l, key, e->power_off, sizeof(e->power_off));
		else if (strcmp(key, "reset") == 0)
			exec_command(c, v, l, key, e->reset, sizeof(e->reset));
		else if (strcmp(key, "soft_off") == 0)
			exec_command(c, v, l, key, e->soft_off, sizeof(e->soft_off));
		else if (strcmp(key, "nmi") == 0)
			exec_command(c, v, l, key, e->nmi, sizeof(e->nmi));
		else if (strcmp(key, "status") == 0)
			exec_command(c, v, l, key, e->status, sizeof(e->status));
		else if (strcmp(key, "timeout") == 0) {
			if (number(c, v, l, key, 1, 600, &x))
				e->timeout_s = (unsigned)x;
		} else if (strcmp(key, "poll_interval") == 0) {
			if (number(c, v, l, key, 1, 3600, &x))
				e->poll_interval_s = (unsigned)x;
		} else if (strcmp(key, "console") == 0) {
			if (scalar(c, v, l, key, e->console, sizeof(e->console)) && e->console[0] != '/')
				cerr(c, l, "exec: console: expected an absolute path (a tty, pty or FIFO)");
		} else
			cerr(c, l,
			    "exec: unknown key \"%s\" (power_on, power_off, reset, soft_off, nmi, status, "
			    "timeout, poll_interval, console)",
			    key);
	}
}

static void
do_host_qemu(struct ctx *c, struct fy_node *m, int line)
{
	struct config_host_qemu *q = &c->cfg->host_qemu;
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "qemu: expected a mapping with binary, args and shutdown_timeout");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k);

		if (key == NULL) {
			cerr(c, l, "qemu: keys must be names");
		} else if (strcmp(key, "binary") == 0) {
			if (scalar(c, v, l, key, q->binary, sizeof(q->binary)) && q->binary[0] == '\0')
				cerr(c, l,
				    "qemu: binary: expected a program (a path, or a name looked up in PATH)");
		} else if (strcmp(key, "args") == 0) {
			struct fy_node *item;
			void *it2 = NULL;

			if (v == NULL || !fy_node_is_sequence(v)) {
				cerr(c, l, "qemu: args: expected a list of arguments");
				continue;
			}
			q->nargs = 0;
			while ((item = fy_node_sequence_iterate(v, &it2)) != NULL) {
				if (q->nargs == CONFIG_QEMU_ARGS_MAX) {
					cerr(c, l, "qemu: args: at most %d arguments", CONFIG_QEMU_ARGS_MAX);
					break;
				}
				if (scalar(c, item, l, "args", q->args[q->nargs], sizeof(q->args[0])))
					q->nargs++;
			}
		} else if (strcmp(key, "shutdown_timeout") == 0) {
			if (number(c, v, l, key, 1, 3600, &x))
				q->shutdown_timeout_s = (unsigned)x;
		} else {
			cerr(c, l, "qemu: unknown key \"%s\" (binary, args, shutdown_timeout)", key);
		}
	}
}

static void
do_host(struct ctx *c, struct fy_node *m, int line)
{
	struct sim_params *h = &c->cfg->host;
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;
	double d;
	int type_line = line, exec_line = 0, qemu_line = 0;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "host: expected a mapping with type, power, load, ambient, exec and qemu");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k);
		char buf[32];

		if (key == NULL) {
			cerr(c, l, "host: keys must be names");
		} else if (strcmp(key, "type") == 0) {
			type_line = l;
			if (!scalar(c, v, l, key, buf, sizeof(buf)))
				continue;
			if (strcmp(buf, "sim") == 0)
				c->cfg->host_type = CONFIG_HOST_SIM;
			else if (strcmp(buf, "exec") == 0)
				c->cfg->host_type = CONFIG_HOST_EXEC;
			else if (strcmp(buf, "qemu") == 0)
				c->cfg->host_type = CONFIG_HOST_QEMU;
			else
				cerr(c, l, "type: expected sim, exec or qemu, not \"%s\"", buf);
		} else if (strcmp(key, "exec") == 0) {
			exec_line = l;
			do_host_exec(c, v, l);
		} else if (strcmp(key, "qemu") == 0) {
			qemu_line = l;
			do_host_qemu(c, v, l);
		} else if (strcmp(key, "power") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf)) && !bool_word(buf, &h->power_on))
				cerr(c, l, "power: expected on or off, not \"%s\"", buf);
		} else if (strcmp(key, "load") == 0) {
			if (number(c, v, l, key, 0, 100, &x))
				h->load_pct = (unsigned)x;
		} else if (strcmp(key, "ambient") == 0) {
			if (real(c, v, l, key, -40, 80, &d))
				h->ambient_c = d;
		} else {
			cerr(c, l, "host: unknown key \"%s\"", key);
		}
	}
	if (c->cfg->host_type == CONFIG_HOST_EXEC) {
		const struct config_host_exec *e = &c->cfg->host_exec;
		if (e->power_on[0] == '\0' || e->power_off[0] == '\0')
			cerr(c, exec_line ? exec_line : type_line,
			    "type exec: exec.power_on and exec.power_off are required");
	} else if (exec_line != 0) {
		cerr(c, exec_line, "exec: the commands are for type: exec (the host type is %s)",
		    c->cfg->host_type == CONFIG_HOST_QEMU ? "qemu" : "sim");
	}
	if (c->cfg->host_type != CONFIG_HOST_QEMU && qemu_line != 0)
		cerr(c, qemu_line, "qemu: the VM settings are for type: qemu (the host type is %s)",
		    c->cfg->host_type == CONFIG_HOST_EXEC ? "exec" : "sim");
}

/* ---- sel ---- */

static const struct word sel_when_full_words[] = {
    {"stop", BMC_SEL_STOP},
    {"overwrite", BMC_SEL_OVERWRITE},
    {NULL, 0},
};

static void
do_sel(struct ctx *c, struct fy_node *m, int line)
{
	struct bmc_conf *b = &c->cfg->bmc;
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "sel: expected a mapping with capacity and when_full");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;

		if (key == NULL) {
			cerr(c, l, "sel: keys must be names");
		} else if (strcmp(key, "capacity") == 0) {
			if (number(c, v, l, key, BMC_SEL_CAPACITY_MIN, BMC_SEL_CAPACITY_MAX, &x))
				b->sel_capacity = (uint16_t)x;
		} else if (strcmp(key, "when_full") == 0) {
			if (word_value(c, v, l, key, sel_when_full_words, 0, &x))
				b->sel_when_full = (uint8_t)x;
		} else {
			cerr(c, l, "sel: unknown key \"%s\" (capacity, when_full)", key);
		}
	}
}

/* ---- fru ---- */

/* FRU dates are 3 bytes of minutes since 1996-01-01 00:00 UTC. */
#define FRU_EPOCH 820454400LL
#define FRU_DATE_LAST (FRU_EPOCH + 0xffffffLL * 60) /* 2027-11-24 20:15 */

static const struct word chassis_types[] = {
    {"rack-mount", 0x17},
    {"main-server", 0x11},
    {"tower", 0x07},
    {"blade", 0x1c},
    {"other", 0x01},
    {NULL, 0},
};

#define FRU_DEFAULT_CHASSIS_TYPE 0x17 /* rack mount chassis */

struct fru_field {
	const char *key;
	size_t off;
};

#define FRU_FIELD(key, member)                                                                               \
	{                                                                                                    \
		key, offsetof(struct bmc_fru_conf, member)                                                   \
	}

static const struct fru_field chassis_fields[] = {
    FRU_FIELD("part", chassis_part),
    FRU_FIELD("serial", chassis_serial),
    {NULL, 0},
};

static const struct fru_field board_fields[] = {
    FRU_FIELD("manufacturer", board_mfg),
    FRU_FIELD("product", board_product),
    FRU_FIELD("serial", board_serial),
    FRU_FIELD("part", board_part),
    {NULL, 0},
};

static const struct fru_field product_fields[] = {
    FRU_FIELD("manufacturer", product_mfg),
    FRU_FIELD("name", product_name),
    FRU_FIELD("part", product_part),
    FRU_FIELD("version", product_version),
    FRU_FIELD("serial", product_serial),
    FRU_FIELD("asset_tag", product_asset_tag),
    {NULL, 0},
};

/* A FRU string: 0 to BMC_FRU_FIELD_MAX printable ASCII characters; no value is "". */
static void
fru_string(struct ctx *c, struct fy_node *v, int line, const char *label, char *dst)
{
	const char *s;
	size_t n, i;

	if (v == NULL) {
		dst[0] = '\0';
		return;
	}
	if (!fy_node_is_scalar(v) || fy_node_is_alias(v) || (s = fy_node_get_scalar(v, &n)) == NULL) {
		cerr(c, line, "%s: expected a single value", label);
		return;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
			cerr(c, line, "%s: only printable ASCII characters are allowed", label);
			return;
		}
	if (n > BMC_FRU_FIELD_MAX) {
		cerr(c, line, "%s: %zu characters is too long (at most %d)", label, n, BMC_FRU_FIELD_MAX);
		return;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" (UTC) as Unix seconds; false if malformed. */
static bool
parse_fru_date(const char *s, int64_t *out)
{
	static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	static const char date_form[] = "dddd-dd-dd", time_form[] = " dd:dd";
	size_t n = strlen(s), i;
	unsigned y, mo, d, h = 0, mi = 0;

	if (n != 10 && n != 16)
		return false;
	for (i = 0; i < n; i++) {
		char f = i < 10 ? date_form[i] : time_form[i - 10];
		if (f == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != f)
			return false;
	}
	if (sscanf(s, "%4u-%2u-%2u", &y, &mo, &d) != 3 ||
	    (n == 16 && sscanf(s + 11, "%2u:%2u", &h, &mi) != 2))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59)
		return false;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
	return true;
}

static void
fru_date(struct ctx *c, struct fy_node *v, int line, const char *label, struct bmc_fru_conf *f)
{
	char buf[32];
	int64_t t;

	if (is_null(v)) {
		f->board_mfg_date = 0;
		return;
	}
	if (!scalar(c, v, line, label, buf, sizeof(buf)))
		return;
	if (!parse_fru_date(buf, &t))
		cerr(c, line, "%s: expected \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM\" (UTC), not \"%s\"", label,
		    buf);
	else if (t < FRU_EPOCH || t > FRU_DATE_LAST)
		cerr(c, line, "%s: FRU dates run from 1996-01-01 00:00 to 2027-11-24 20:15, not \"%s\"",
		    label, buf);
	else
		f->board_mfg_date = t;
}

/* A name of chassis_types or an SMBIOS chassis type number 1..0x7f. */
static void
fru_chassis_type(struct ctx *c, struct fy_node *v, int line, const char *label, struct bmc_fru_conf *f)
{
	char buf[32], *end;
	unsigned long x;
	size_t i;

	if (!scalar(c, v, line, label, buf, sizeof(buf)))
		return;
	for (i = 0; chassis_types[i].name != NULL; i++)
		if (strcmp(buf, chassis_types[i].name) == 0) {
			f->chassis_type = (uint8_t)chassis_types[i].value;
			return;
		}
	if (isdigit((unsigned char)buf[0])) {
		errno = 0;
		x = strtoul(buf, &end, 0);
		if (*end == '\0' && errno == 0 && x >= 1 && x <= 0x7f) {
			f->chassis_type = (uint8_t)x;
			return;
		}
	}
	cerr(c, line,
	    "%s: expected rack-mount, main-server, tower, blade, other or an SMBIOS chassis type "
	    "from 1 to 0x7f, not \"%s\"",
	    label, buf);
}

/* One of `chassis`, `board`, `product`: present (and not null) means the area is emitted. */
static void
fru_area(struct ctx *c, struct fy_node *m, int line, const char *who, const char *area,
    const struct fru_field *fields, struct bmc_fru_conf *f, bool *present)
{
	struct fy_node_pair *p;
	void *it = NULL;
	char label[80], keys[160];
	size_t i, used;

	if (is_null(m)) {
		*present = false;
		return;
	}
	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "%s: %s: expected a mapping of fields", who, area);
		return;
	}
	*present = true;
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;

		if (key == NULL) {
			cerr(c, l, "%s: %s: keys must be names", who, area);
			continue;
		}
		snprintf(label, sizeof(label), "%s: %s.%s", who, area, key);
		for (i = 0; fields[i].key != NULL; i++)
			if (strcmp(key, fields[i].key) == 0)
				break;
		if (fields[i].key != NULL)
			fru_string(c, v, l, label, (char *)f + fields[i].off);
		else if (strcmp(area, "chassis") == 0 && strcmp(key, "type") == 0)
			fru_chassis_type(c, v, l, label, f);
		else if (strcmp(area, "board") == 0 && strcmp(key, "mfg_date") == 0)
			fru_date(c, v, l, label, f);
		else {
			used = (size_t)snprintf(keys, sizeof(keys), "%s",
			    strcmp(area, "chassis") == 0     ? "type"
			        : strcmp(area, "board") == 0 ? "mfg_date"
			                                     : "");
			for (i = 0; fields[i].key != NULL && used < sizeof(keys); i++)
				used += (size_t)snprintf(keys + used, sizeof(keys) - used, "%s%s",
				    used ? ", " : "", fields[i].key);
			cerr(c, l, "%s: %s: unknown key \"%s\" (%s)", who, area, key, keys);
		}
	}
}

static void
fru_multirecord(
    struct ctx *c, struct fy_node *m, int line, const char *who, size_t idx, struct bmc_fru_multirecord *r)
{
	struct fy_node_pair *p;
	void *it = NULL;
	char label[80], buf[2 * sizeof(r->data) + 1];
	unsigned long x;
	size_t n;
	bool has_type = false;
	int start = c->nerr;

	memset(r, 0, sizeof(*r));
	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "%s: multirecord %zu: expected a mapping with type and data", who, idx + 1);
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;

		if (key == NULL) {
			cerr(c, l, "%s: multirecord %zu: keys must be names", who, idx + 1);
			continue;
		}
		snprintf(label, sizeof(label), "%s: multirecord %zu: %s", who, idx + 1, key);
		if (strcmp(key, "type") == 0) {
			if ((has_type = number(c, v, l, label, 0, 255, &x)))
				r->type = (uint8_t)x;
		} else if (strcmp(key, "data") == 0) {
			const char *s;
			if (v == NULL || !fy_node_is_scalar(v) || fy_node_is_alias(v) ||
			    (s = fy_node_get_scalar(v, &n)) == NULL) {
				cerr(c, l, "%s: expected a string of hex digits", label);
				continue;
			}
			if (n > sizeof(buf) - 1) {
				cerr(c, l, "%s: %zu bytes is too long (at most %zu)", label, (n + 1) / 2,
				    sizeof(r->data));
				continue;
			}
			memcpy(buf, s, n);
			buf[n] = '\0';
			if (n == 0)
				r->len = 0;
			else if (!hex_bytes(buf, r->data, sizeof(r->data), &n))
				cerr(c, l, "%s: expected an even number of hex digits such as \"0a0b0c\"",
				    label);
			else
				r->len = (uint8_t)n;
		} else {
			cerr(c, l, "%s: multirecord %zu: unknown key \"%s\" (type, data)", who, idx + 1, key);
		}
	}
	if (c->nerr == start && !has_type)
		cerr(c, line, "%s: multirecord %zu: a record needs a type (0-255)", who, idx + 1);
}

static void
fru_multirecords(struct ctx *c, struct fy_node *v, int line, const char *who, struct bmc_fru_conf *f)
{
	struct fy_node *item;
	void *it = NULL;

	f->nmultirecords = 0;
	if (is_null(v))
		return;
	if (!fy_node_is_sequence(v)) {
		cerr(c, line, "%s: multirecords: expected a list of {type, data}", who);
		return;
	}
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
		int l = line;
		struct fy_node_pair *p;
		void *pit = NULL;

		if (fy_node_is_mapping(item) && (p = fy_node_mapping_iterate(item, &pit)) != NULL &&
		    node_line(fy_node_pair_key(p)))
			l = node_line(fy_node_pair_key(p));
		if (f->nmultirecords == BMC_FRU_MAX_MULTIRECORDS) {
			cerr(c, l, "%s: multirecords: at most %d records", who, BMC_FRU_MAX_MULTIRECORDS);
			return;
		}
		fru_multirecord(c, item, l, who, f->nmultirecords, &f->multirecord[f->nmultirecords]);
		f->nmultirecords++;
	}
}

static bool
valid_fru_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 16)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* Build the image as the daemon will, FRU 0's missing serials filled as from a GUID. */
static void
check_fru(struct ctx *c, const struct bmc_fru_conf *f, int line)
{
	static const uint8_t zero_guid[16];
	uint8_t img[BMC_FRU_MAX_SIZE];
	struct bmc_fru_conf t = *f, d;
	char msg[200] = "";

	if (t.id == 0) {
		bmc_fru_defaults(&d, zero_guid);
		if (t.chassis_serial[0] == '\0')
			memcpy(t.chassis_serial, d.chassis_serial, sizeof(t.chassis_serial));
		if (t.board_serial[0] == '\0')
			memcpy(t.board_serial, d.board_serial, sizeof(t.board_serial));
		if (t.product_serial[0] == '\0')
			memcpy(t.product_serial, d.product_serial, sizeof(t.product_serial));
	}
	if (bmc_fru_build(&t, img, sizeof(img), msg, sizeof(msg)) < 0)
		cerr(c, line, "fru %u: %s", t.id, msg[0] ? msg : "cannot be built");
}

/* One `fru:` entry; seen[id] holds the line of the entry that took each ID. */
static void
do_fru_entry(struct ctx *c, struct fy_node *m, int line, int *seen)
{
	struct config *cfg = c->cfg;
	struct bmc_fru_conf f;
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;
	char who[16] = "fru", label[48];
	int start = c->nerr, idline = 0, first = 0;
	bool has_id = false;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "fru: each FRU device is a mapping with an id");
		return;
	}
	/* The ID first: messages name it. */
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;

		if (first == 0)
			first = l;
		if (key == NULL || strcmp(key, "id") != 0)
			continue;
		idline = l;
		if (number(c, v, l, "fru: id", 0, 254, &x))
			has_id = true;
	}
	if (first != 0)
		line = first;
	if (c->nerr != start)
		return;
	if (!has_id) {
		cerr(c, line, "fru: an entry needs an id (0-254)");
		return;
	}
	snprintf(who, sizeof(who), "fru %lu", x);
	if (seen[x] != 0) {
		cerr(c, idline, "%s: the ID is also used by the entry on line %d", who, seen[x]);
		return;
	}
	seen[x] = idline;

	memset(&f, 0, sizeof(f));
	f.id = (uint8_t)x;
	snprintf(f.name, sizeof(f.name), "FRU %lu", x);
	f.chassis_type = FRU_DEFAULT_CHASSIS_TYPE;
	it = NULL;
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;
		char buf[256];

		if (key == NULL) {
			cerr(c, l, "%s: keys must be names", who);
			continue;
		}
		snprintf(label, sizeof(label), "%s: %s", who, key);
		if (strcmp(key, "id") == 0) {
			continue;
		} else if (strcmp(key, "name") == 0) {
			if (scalar(c, v, l, label, buf, sizeof(buf))) {
				if (!valid_fru_name(buf))
					cerr(c, l, "%s: 1 to 16 printable ASCII characters, not \"%s\"",
					    label, buf);
				else
					memcpy(f.name, buf, strlen(buf) + 1);
			}
		} else if (strcmp(key, "size") == 0) {
			if (number(c, v, l, label, 0, BMC_FRU_MAX_SIZE, &x)) {
				if (x != 0 && x < 8)
					cerr(c, l, "%s: 0 (as needed) or 8 to %d bytes, not %lu", label,
					    BMC_FRU_MAX_SIZE, x);
				else
					f.size = (uint16_t)x;
			}
		} else if (strcmp(key, "write_protect") == 0) {
			boolean(c, v, l, label, &f.write_protect);
		} else if (strcmp(key, "chassis") == 0) {
			fru_area(c, v, l, who, key, chassis_fields, &f, &f.chassis);
		} else if (strcmp(key, "board") == 0) {
			fru_area(c, v, l, who, key, board_fields, &f, &f.board);
		} else if (strcmp(key, "product") == 0) {
			fru_area(c, v, l, who, key, product_fields, &f, &f.product);
		} else if (strcmp(key, "multirecords") == 0) {
			fru_multirecords(c, v, l, who, &f);
		} else {
			cerr(c, l,
			    "%s: unknown key \"%s\" (id, name, size, write_protect, chassis, board, "
			    "product, multirecords)",
			    who, key);
		}
	}
	if (c->nerr != start)
		return;
	if (cfg->nfrus == BMC_MAX_FRUS) {
		cerr(c, idline, "fru: at most %d FRU devices", BMC_MAX_FRUS);
		return;
	}
	check_fru(c, &f, idline);
	cfg->frus[cfg->nfrus++] = f;
}

/* `fru:` replaces the default list; `fru: []` (or no value) leaves none. */
static void
do_fru(struct ctx *c, struct fy_node *v, int line)
{
	struct fy_node *item;
	void *it = NULL;
	int seen[256] = {0};

	c->cfg->nfrus = 0;
	if (is_null(v))
		return;
	if (!fy_node_is_sequence(v)) {
		cerr(c, line, "fru: expected a list of FRU devices");
		return;
	}
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL)
		do_fru_entry(c, item, node_line(item) ? node_line(item) : line, seen);
}

/* ---- sensors ---- */

static const struct word sensor_types[] = {
    {"temperature", STYPE_TEMPERATURE},
    {"voltage", STYPE_VOLTAGE},
    {"current", STYPE_CURRENT},
    {"fan", STYPE_FAN},
    {"physical-security", STYPE_PHYSICAL_SECURITY},
    {"processor", STYPE_PROCESSOR},
    {"power-supply", STYPE_POWER_SUPPLY},
    {"power-unit", STYPE_POWER_UNIT},
    {"other", STYPE_OTHER_UNITS},
    {"memory", STYPE_MEMORY},
    {"event-logging", STYPE_EVENT_LOGGING},
    {"system-event", STYPE_SYSTEM_EVENT},
    {"watchdog2", STYPE_WATCHDOG2},
    {NULL, 0},
};

static const struct word reading_types[] = {
    {"threshold", READING_THRESHOLD},
    {"sensor-specific", READING_SENSOR_SPECIFIC},
    {NULL, 0},
};

static const struct word units[] = {
    {"degrees-c", UNIT_DEGREES_C},
    {"volts", UNIT_VOLTS},
    {"amps", UNIT_AMPS},
    {"watts", UNIT_WATTS},
    {"rpm", UNIT_RPM},
    {"none", UNIT_NONE},
    {NULL, 0},
};

static const struct word analog_formats[] = {
    {"unsigned", 0},
    {"ones-complement", 1},
    {"twos-complement", 2},
    {NULL, 0},
};

/* Bit order of thr_mask (THR_x). */
static const char *const thr_names[THR_COUNT] = {"lnc", "lcr", "lnr", "unc", "ucr", "unr"};

/* Sensor types that read a value against thresholds unless told otherwise. */
static bool
threshold_type(uint8_t type)
{
	return type == STYPE_TEMPERATURE || type == STYPE_VOLTAGE || type == STYPE_CURRENT ||
	    type == STYPE_FAN || type == STYPE_OTHER_UNITS;
}

static bool
valid_sensor_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > BMC_SENSOR_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* Names compare as the CLI finds them: without regard to case. */
static int
sensor_by_name(const struct bmc_sensor_conf *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(list[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool
entity_part(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	char buf[16], *end;

	if (n == 0 || n >= sizeof(buf) || !isdigit((unsigned char)s[0]))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtoul(buf, &end, 0);
	return *end == '\0' && errno == 0 && *out <= max;
}

/* "ID.INSTANCE", each decimal or 0x hex: 3.1, 0x07.1. */
static void
entity_value(struct ctx *c, struct fy_node *v, int line, struct bmc_sensor_conf *s)
{
	char buf[32];
	const char *dot;
	unsigned long id, inst;

	if (!scalar(c, v, line, "entity", buf, sizeof(buf)))
		return;
	if ((dot = strchr(buf, '.')) == NULL || !entity_part(buf, (size_t)(dot - buf), 255, &id) ||
	    !entity_part(dot + 1, strlen(dot + 1), 127, &inst)) {
		cerr(c, line,
		    "entity: expected ID.INSTANCE such as 3.1 (ID 0-255, instance 0-127), not \"%s\"", buf);
		return;
	}
	s->entity_id = (uint8_t)id;
	s->entity_instance = (uint8_t)inst;
}

static void
model_value(struct ctx *c, struct fy_node *v, int line, struct bmc_sensor_conf *s)
{
	char buf[32], list[200];
	size_t used = 0;
	int kind;
	uint8_t i;

	if (!scalar(c, v, line, "model", buf, sizeof(buf)))
		return;
	if ((kind = bmc_model_by_name(buf)) >= 0) {
		s->model.kind = (uint8_t)kind;
		return;
	}
	list[0] = '\0';
	for (i = 0; i < MODEL_COUNT && used < sizeof(list); i++)
		used += (size_t)snprintf(
		    list + used, sizeof(list) - used, "%s%s", i == 0 ? "" : ", ", bmc_model_name(i));
	cerr(c, line, "model: expected %s, not \"%s\"", list, buf);
}

static void
do_thresholds(struct ctx *c, struct fy_node *m, int line, struct bmc_sensor_conf *s)
{
	struct fy_node_pair *p;
	void *it = NULL;
	double d;
	int i;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "thresholds: expected a mapping such as {lcr: 5, ucr: 90}");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;

		for (i = 0; key != NULL && i < THR_COUNT; i++)
			if (strcmp(key, thr_names[i]) == 0)
				break;
		if (key == NULL || i == THR_COUNT) {
			cerr(c, l, "thresholds: unknown key \"%s\" (lnr, lcr, lnc, unc, ucr, unr)",
			    key ? key : "?");
		} else if (is_null(v)) {
			s->thr_mask &= (uint8_t) ~(1u << i);
			s->thr[i] = 0;
		} else if (real(c, v, l, key, -INFINITY, INFINITY, &d)) {
			s->thr_mask |= (uint8_t)(1u << i);
			s->thr[i] = d;
		}
	}
}

static void
do_hysteresis(struct ctx *c, struct fy_node *m, int line, struct bmc_sensor_conf *s)
{
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "hysteresis: expected a mapping such as {positive: 2, negative: 2}");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;

		if (key != NULL && strcmp(key, "positive") == 0) {
			if (number(c, v, l, key, 0, 255, &x))
				s->hyst_pos = (uint8_t)x;
		} else if (key != NULL && strcmp(key, "negative") == 0) {
			if (number(c, v, l, key, 0, 255, &x))
				s->hyst_neg = (uint8_t)x;
		} else {
			cerr(c, l, "hysteresis: unknown key \"%s\" (positive, negative)", key ? key : "?");
		}
	}
}

/*
 * One `sensors.define` entry.  A name the list already has changes that
 * sensor (only the keys given); a new name adds a sensor, which then needs
 * a number and a type.  With `sdr_import`, an incomplete new one is kept
 * only as an override for the imported record of that name.
 */
static void
do_define(struct ctx *c, struct fy_node *m, int line, int *lines)
{
	struct config *cfg = c->cfg;
	struct bmc_sensor_conf s;
	struct fy_node_pair *p;
	void *it = NULL;
	char name[BMC_SENSOR_NAME_MAX + 1] = "";
	bool has_number = false, has_type = false, has_rt = false, has_unit = false;
	bool has_assert = false, has_deassert = false, has_reading = false, has_factors = false;
	long fac[4] = {1, 0, 0, 0}, sx;
	unsigned long x;
	double d;
	int start = c->nerr, idx, first = 0;
	size_t i;
	uint8_t old_type, old_thr;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "define: each sensor is a mapping with a name");
		return;
	}
	/* The name first: it says whether this changes a sensor or adds one. */
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		char buf[64];

		if (first == 0)
			first = node_line(k);
		if (key == NULL || strcmp(key, "name") != 0)
			continue;
		first = node_line(k);
		if (!scalar(c, v, first, key, buf, sizeof(buf)))
			continue;
		if (!valid_sensor_name(buf))
			cerr(c, first, "name: 1 to %d printable ASCII characters, not \"%s\"",
			    BMC_SENSOR_NAME_MAX, buf);
		else
			memcpy(name, buf, strlen(buf) + 1);
	}
	if (first != 0)
		line = first;
	if (c->nerr != start)
		return;
	if (name[0] == '\0') {
		cerr(c, line, "define: a sensor needs a name");
		return;
	}
	for (i = 0; i < cfg->noverrides; i++)
		if (strcasecmp(cfg->overrides[i].name, name) == 0) {
			cerr(c, line, "sensor \"%s\": defined twice", name);
			return;
		}
	if ((idx = sensor_by_name(cfg->sensors, cfg->nsensors, name)) >= 0) {
		s = cfg->sensors[idx];
	} else {
		memset(&s, 0, sizeof(s));
		s.model.kind = MODEL_STATIC;
		memcpy(s.name, name, strlen(name) + 1);
	}
	old_type = s.sensor_type;
	old_thr = s.thr_mask;

	it = NULL;
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;

		if (key == NULL) {
			cerr(c, l, "sensor \"%s\": keys must be names", name);
		} else if (strcmp(key, "name") == 0) {
			continue;
		} else if (strcmp(key, "number") == 0) {
			if ((has_number = number(c, v, l, key, 0, 254, &x)))
				s.number = (uint8_t)x;
		} else if (strcmp(key, "type") == 0) {
			if ((has_type = word_value(c, v, l, key, sensor_types, 255, &x)))
				s.sensor_type = (uint8_t)x;
		} else if (strcmp(key, "reading_type") == 0) {
			if ((has_rt = word_value(c, v, l, key, reading_types, 0x7f, &x)))
				s.reading_type = (uint8_t)x;
		} else if (strcmp(key, "entity") == 0) {
			entity_value(c, v, l, &s);
		} else if (strcmp(key, "unit") == 0) {
			if ((has_unit = word_value(c, v, l, key, units, 255, &x)))
				s.base_unit = (uint8_t)x;
		} else if (strcmp(key, "analog_format") == 0) {
			if (word_value(c, v, l, key, analog_formats, 0, &x))
				s.analog_format = (uint8_t)x;
		} else if (strcmp(key, "m") == 0 || strcmp(key, "b") == 0) {
			if (snumber(c, v, l, key, -512, 511, &sx)) {
				fac[key[0] == 'm' ? 0 : 1] = sx;
				has_factors = true;
			}
		} else if (strcmp(key, "b_exp") == 0 || strcmp(key, "r_exp") == 0) {
			if (snumber(c, v, l, key, -8, 7, &sx)) {
				fac[key[0] == 'b' ? 2 : 3] = sx;
				has_factors = true;
			}
		} else if (strcmp(key, "tolerance") == 0) {
			if (number(c, v, l, key, 0, 63, &x))
				s.tolerance = (uint8_t)x;
		} else if (strcmp(key, "accuracy") == 0) {
			if (number(c, v, l, key, 0, 1023, &x))
				s.accuracy = (uint16_t)x;
		} else if (strcmp(key, "accuracy_exp") == 0) {
			if (number(c, v, l, key, 0, 3, &x))
				s.accuracy_exp = (uint8_t)x;
		} else if (strcmp(key, "range_max") == 0) {
			if (real(c, v, l, key, -INFINITY, INFINITY, &d))
				s.range_max = d;
		} else if (strcmp(key, "thresholds") == 0) {
			do_thresholds(c, v, l, &s);
		} else if (strcmp(key, "hysteresis") == 0) {
			do_hysteresis(c, v, l, &s);
		} else if (strcmp(key, "assert_mask") == 0) {
			if ((has_assert = number(c, v, l, key, 0, 0x7fff, &x)))
				s.assert_mask = (uint16_t)x;
		} else if (strcmp(key, "deassert_mask") == 0) {
			if ((has_deassert = number(c, v, l, key, 0, 0x7fff, &x)))
				s.deassert_mask = (uint16_t)x;
		} else if (strcmp(key, "reading_mask") == 0) {
			if ((has_reading = number(c, v, l, key, 0, 0x7fff, &x)))
				s.reading_mask = (uint16_t)x;
		} else if (strcmp(key, "nominal") == 0) {
			if (is_null(v)) {
				s.has_nominal = false;
				s.nominal_reading = 0;
			} else if (real(c, v, l, key, -INFINITY, INFINITY, &d)) {
				s.has_nominal = true;
				s.nominal_reading = d;
			}
		} else if (strcmp(key, "model") == 0) {
			model_value(c, v, l, &s);
		} else if (strcmp(key, "index") == 0) {
			if (number(c, v, l, key, 1, 16, &x))
				s.model.index = (uint8_t)x;
		} else if (strcmp(key, "host_powered") == 0) {
			boolean(c, v, l, key, &s.model.host_powered);
		} else if (strcmp(key, "noise") == 0) {
			if (real(c, v, l, key, 0, INFINITY, &d))
				s.model.noise = d;
		} else if (strcmp(key, "value") == 0) {
			if (real(c, v, l, key, -INFINITY, INFINITY, &d))
				s.model.nominal = d;
		} else if (strcmp(key, "state") == 0) {
			if (number(c, v, l, key, 0, 0x7fff, &x))
				s.model.state = (uint16_t)x;
		} else {
			cerr(c, l, "sensor \"%s\": unknown key \"%s\"", name, key);
		}
	}
	if (c->nerr != start)
		return;

	/* Any factor given: all four are, with m 1 and the others 0 unless written. */
	if (has_factors) {
		s.factors_set = true;
		s.m = (int16_t)fac[0];
		s.b = (int16_t)fac[1];
		s.b_exp = (int8_t)fac[2];
		s.r_exp = (int8_t)fac[3];
	}
	if (has_type && !has_rt && (idx < 0 || s.sensor_type != old_type))
		s.reading_type = threshold_type(s.sensor_type) ? READING_THRESHOLD : READING_SENSOR_SPECIFIC;
	/*
	 * A changed type or set of thresholds: what fill derived from the old
	 * ones (unit, event masks) is derived again unless written here.
	 */
	if (idx >= 0 && has_type && s.sensor_type != old_type) {
		if (!has_unit)
			s.base_unit = 0;
		if (!has_reading)
			s.reading_mask = 0;
	}
	if (idx >= 0 && ((has_type && s.sensor_type != old_type) || s.thr_mask != old_thr)) {
		if (!has_assert)
			s.assert_mask = 0;
		if (!has_deassert)
			s.deassert_mask = 0;
	}

	if (idx < 0 && (!has_number || !has_type) && cfg->sdr_import[0] == '\0') {
		cerr(c, line, "sensor \"%s\": a new sensor (no built-in one has this name) needs %s", name,
		    !has_number && !has_type ? "a number and a type"
		        : !has_number        ? "a number"
		                             : "a type");
		return;
	}
	if (cfg->noverrides == CONFIG_MAX_SENSORS) {
		cerr(c, line, "sensors: at most %d sensors", CONFIG_MAX_SENSORS);
		return;
	}
	cfg->overrides[cfg->noverrides++] = s;
	if (idx < 0 && (!has_number || !has_type))
		return; /* only an override for the imported record of this name */
	if (idx < 0) {
		if (cfg->nsensors == CONFIG_MAX_SENSORS) {
			cerr(c, line, "sensors: at most %d sensors", CONFIG_MAX_SENSORS);
			return;
		}
		idx = (int)cfg->nsensors++;
	}
	cfg->sensors[idx] = s;
	lines[idx] = line;
}

static void
remove_one(struct ctx *c, struct fy_node *v, int line, bool builtin)
{
	struct config *cfg = c->cfg;
	char name[64];
	int i;

	if (!scalar(c, v, line, "remove", name, sizeof(name)))
		return;
	if ((i = sensor_by_name(cfg->sensors, cfg->nsensors, name)) < 0) {
		cerr(c, line, "remove: no built-in sensor is named \"%s\"%s", name,
		    builtin ? "" : " (builtin is false)");
		return;
	}
	memmove(&cfg->sensors[i], &cfg->sensors[i + 1],
	    (cfg->nsensors - (size_t)i - 1) * sizeof(cfg->sensors[0]));
	cfg->nsensors--;
}

static void
do_remove(struct ctx *c, struct fy_node *v, int line, bool builtin)
{
	struct fy_node *item;
	void *it = NULL;

	if (is_null(v))
		return;
	if (fy_node_is_scalar(v)) {
		remove_one(c, v, line, builtin);
		return;
	}
	if (!fy_node_is_sequence(v)) {
		cerr(c, line, "remove: expected a list of sensor names");
		return;
	}
	while ((item = fy_node_sequence_iterate(v, &it)) != NULL)
		remove_one(c, item, node_line(item) ? node_line(item) : line, builtin);
}

/* The final list: unique names and numbers, and every sensor written here complete. */
static void
check_sensors(struct ctx *c, const int *lines)
{
	struct bmc_sensor_conf *s = c->cfg->sensors;
	size_t n = c->cfg->nsensors, i, j;
	char msg[200], other[32];

	for (j = 1; j < n; j++)
		for (i = 0; i < j; i++) {
			/* x is the sensor written here, y the one it clashes with (earlier in the file). */
			size_t x = lines[j] ? j : i, y = lines[j] ? i : j;

			if (lines[x] == 0)
				continue; /* two built-in sensors */
			if (lines[y] != 0)
				snprintf(other, sizeof(other), " (line %d)", lines[y]);
			else
				snprintf(other, sizeof(other), " (built in)");
			if (strcasecmp(s[x].name, s[y].name) == 0)
				cerr(c, lines[x], "sensor \"%s\": the name is also used by sensor 0x%02x%s",
				    s[x].name, s[y].number, other);
			if (s[x].number == s[y].number)
				cerr(c, lines[x], "sensor \"%s\": number 0x%02x is also used by \"%s\"%s",
				    s[x].name, s[x].number, s[y].name, other);
		}
	for (i = 0; i < n; i++) {
		if (lines[i] == 0)
			continue;
		msg[0] = '\0';
		if (bmc_sensor_conf_fill(&s[i], msg, sizeof(msg)) != 0)
			cerr(c, lines[i], "sensor \"%s\": %s", s[i].name,
			    msg[0] ? msg : "cannot be described in an SDR");
	}
}

/*
 * `sensors:` is applied after the rest of the file (it needs `sdr_import`)
 * in a fixed order whatever the order of its keys: the built-in list (or
 * none), then `remove`, then `define`.
 */
static void
do_sensors(struct ctx *c, struct fy_node *m, int line)
{
	struct config *cfg = c->cfg;
	struct fy_node *remove = NULL, *define = NULL, *item;
	struct fy_node_pair *p;
	void *it = NULL;
	int lines[CONFIG_MAX_SENSORS] = {0}, rline = line, dline = line, start = c->nerr;
	bool builtin = true;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "sensors: expected a mapping with builtin, remove and define");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;

		if (key == NULL) {
			cerr(c, l, "sensors: keys must be names");
		} else if (strcmp(key, "builtin") == 0) {
			boolean(c, v, l, key, &builtin);
		} else if (strcmp(key, "remove") == 0) {
			remove = v;
			rline = l;
		} else if (strcmp(key, "define") == 0) {
			define = v;
			dline = l;
		} else {
			cerr(c, l, "sensors: unknown key \"%s\"", key);
		}
	}
	if (c->nerr != start)
		return;
	cfg->nsensors = builtin ? bmc_sensor_defaults(cfg->sensors, CONFIG_MAX_SENSORS) : 0;
	if (cfg->nsensors > CONFIG_MAX_SENSORS)
		cfg->nsensors = CONFIG_MAX_SENSORS;
	cfg->noverrides = 0;
	if (remove != NULL)
		do_remove(c, remove, rline, builtin);
	if (define != NULL && !is_null(define)) {
		if (!fy_node_is_sequence(define))
			cerr(c, dline, "define: expected a list of sensors");
		else
			for (it = NULL; (item = fy_node_sequence_iterate(define, &it)) != NULL;)
				do_define(c, item, dline, lines);
	}
	check_sensors(c, lines);
}

/* The one conversion a fleet name pattern may hold: %u, %d or %x with flags and a width. */
static bool
valid_name_pattern(const char *s)
{
	const char *p = strchr(s, '%');

	if (p == NULL)
		return false;
	p++;
	while (*p == '0' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != 'u' && *p != 'd' && *p != 'x' && *p != 'X')
		return false;
	return strchr(p, '%') == NULL;
}

static void
do_fleet_override(struct ctx *c, const char *name, struct fy_node *m, int line)
{
	struct config_fleet *f = &c->cfg->fleet;
	struct config_fleet_override *o;
	struct fy_node_pair *p;
	void *it = NULL;
	char buf[96];

	if (f->noverrides == CONFIG_FLEET_OVERRIDES_MAX) {
		cerr(c, line, "fleet.overrides: at most %d", CONFIG_FLEET_OVERRIDES_MAX);
		return;
	}
	if (!valid_instance_name(name) || !fy_node_is_mapping(m)) {
		cerr(c, line, "fleet.overrides: expected INSTANCE-NAME: {listen, system_guid, power}");
		return;
	}
	o = &f->overrides[f->noverrides++];
	memset(o, 0, sizeof(*o));
	memcpy(o->name, name, strlen(name) + 1);
	o->power_on = -1;
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;
		bool on;

		if (key == NULL || !scalar(c, v, l, key, buf, sizeof(buf)))
			continue;
		if (strcmp(key, "listen") == 0) {
			if (config_parse_addr(buf, &o->listen) != 0)
				cerr(c, l, "listen: \"%s\" is not ADDRESS[:PORT]", buf);
			else
				o->has_listen = true;
		} else if (strcmp(key, "system_guid") == 0) {
			if (bmc_guid_parse(buf, o->system_guid) != 0)
				cerr(c, l,
				    "system_guid: expected a GUID like 6f1c2a1e-3b4d-4e5f-9a8b-0c1d2e3f4a5b");
			else
				o->has_guid = true;
		} else if (strcmp(key, "power") == 0) {
			if (!bool_word(buf, &on))
				cerr(c, l, "power: expected on or off, not \"%s\"", buf);
			else
				o->power_on = on;
		} else {
			cerr(c, l, "fleet.overrides.%s: unknown key \"%s\" (listen, system_guid, power)",
			    name, key);
		}
	}
}

static void
do_fleet(struct ctx *c, struct fy_node *m, int line)
{
	struct config_fleet *f = &c->cfg->fleet;
	struct fy_node_pair *p;
	void *it = NULL;
	unsigned long x;

	if (!fy_node_is_mapping(m)) {
		cerr(c, line, "fleet: expected a mapping with count, name, first, listen, step, overrides");
		return;
	}
	while ((p = fy_node_mapping_iterate(m, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k) ? node_line(k) : line;
		char buf[96];

		if (key == NULL) {
			cerr(c, l, "fleet: keys must be names");
		} else if (strcmp(key, "count") == 0) {
			if (number(c, v, l, key, 1, CONFIG_FLEET_MAX, &x))
				f->count = (unsigned)x;
		} else if (strcmp(key, "first") == 0) {
			if (number(c, v, l, key, 0, 1000000000, &x))
				f->first = (unsigned)x;
		} else if (strcmp(key, "name") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				if (strlen(buf) >= sizeof(f->name) || !valid_name_pattern(buf))
					cerr(c, l,
					    "name: expected a pattern with one number in it, like node%%04u");
				else
					memcpy(f->name, buf, strlen(buf) + 1);
			}
		} else if (strcmp(key, "listen") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				if (config_parse_addr(buf, &f->base) != 0)
					cerr(c, l, "listen: \"%s\" is not ADDRESS[:PORT]", buf);
				else
					f->has_base = true;
			}
		} else if (strcmp(key, "step") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				if (strcmp(buf, "address") == 0)
					f->step_port = false;
				else if (strcmp(buf, "port") == 0)
					f->step_port = true;
				else
					cerr(c, l, "step: expected address or port, not \"%s\"", buf);
			}
		} else if (strcmp(key, "overrides") == 0) {
			struct fy_node_pair *op;
			void *oit = NULL;

			if (!fy_node_is_mapping(v)) {
				cerr(c, l, "overrides: expected a mapping of instance names");
				continue;
			}
			while ((op = fy_node_mapping_iterate(v, &oit)) != NULL) {
				const char *name = fy_node_get_scalar0(fy_node_pair_key(op));
				int ol =
				    node_line(fy_node_pair_key(op)) ? node_line(fy_node_pair_key(op)) : l;

				do_fleet_override(c, name ? name : "", fy_node_pair_value(op), ol);
			}
		} else {
			cerr(c, l, "fleet: unknown key \"%s\"", key);
		}
	}
	if (f->count == 0)
		cerr(c, line, "fleet: count is required (1-%d)", CONFIG_FLEET_MAX);
}

static void
do_root(struct ctx *c, struct fy_node *root)
{
	struct fy_node_pair *p, *sensors = NULL;
	void *it = NULL;

	if (root == NULL)
		return; /* an empty file: all defaults */
	if (!fy_node_is_mapping(root)) {
		cerr(c, 1, "the file must be a mapping of keys (state_dir, listen, user, bmc, users...)");
		return;
	}
	while ((p = fy_node_mapping_iterate(root, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = fy_node_get_scalar0(k);
		int l = node_line(k);
		char buf[32];

		if (key == NULL)
			cerr(c, l, "keys must be names");
		else if (strcmp(key, "state_dir") == 0)
			scalar(c, v, l, key, c->cfg->state_dir, sizeof(c->cfg->state_dir));
		else if (strcmp(key, "admin_password_file") == 0)
			scalar(
			    c, v, l, key, c->cfg->admin_password_file, sizeof(c->cfg->admin_password_file));
		else if (strcmp(key, "listen") == 0)
			do_listen(c, v, l);
		else if (strcmp(key, "user") == 0) {
			if (is_null(v))
				c->cfg->user[0] = '\0';
			else if (scalar(c, v, l, key, c->cfg->user, sizeof(c->cfg->user)) &&
			    (c->cfg->user[0] == '\0' || strpbrk(c->cfg->user, ":/ \t\n") != NULL)) {
				cerr(c, l, "user: expected a system account name, not \"%s\"", c->cfg->user);
				c->cfg->user[0] = '\0';
			}
		} else if (strcmp(key, "log_level") == 0) {
			if (scalar(c, v, l, key, buf, sizeof(buf))) {
				if (strcmp(buf, "debug") == 0)
					c->cfg->log_level = BMC_LOG_DEBUG;
				else if (strcmp(buf, "info") == 0)
					c->cfg->log_level = BMC_LOG_INFO;
				else if (strcmp(buf, "warn") == 0 || strcmp(buf, "warning") == 0)
					c->cfg->log_level = BMC_LOG_WARN;
				else
					cerr(
					    c, l, "log_level: expected debug, info or warn, not \"%s\"", buf);
			}
		} else if (strcmp(key, "bmc") == 0)
			do_bmc(c, v, l);
		else if (strcmp(key, "users") == 0)
			do_users(c, v, l);
		else if (strcmp(key, "host") == 0)
			do_host(c, v, l);
		else if (strcmp(key, "sdr_import") == 0)
			scalar(c, v, l, key, c->cfg->sdr_import, sizeof(c->cfg->sdr_import));
		else if (strcmp(key, "sensors") == 0)
			sensors = p;
		else if (strcmp(key, "sel") == 0)
			do_sel(c, v, l);
		else if (strcmp(key, "fru") == 0)
			do_fru(c, v, l);
		else if (strcmp(key, "fleet") == 0)
			do_fleet(c, v, l);
		else
			cerr(c, l, "unknown key \"%s\"", key);
	}
	if (sensors != NULL)
		do_sensors(c, fy_node_pair_value(sensors), node_line(fy_node_pair_key(sensors)));
}

static int
load(struct config *cfg, const char *name, struct fy_document *(*build)(const struct fy_parse_cfg *, void *),
    void *arg, char *err, size_t errlen)
{
	struct fy_diag_cfg dcfg;
	struct fy_parse_cfg pcfg;
	struct fy_document *doc;
	struct fy_diag *diag;
	struct ctx c = {name, err, errlen, 0, 0, cfg};
	FILE *devnull = fopen("/dev/null", "w");

	if (errlen > 0)
		err[0] = '\0';
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = devnull;
	dcfg.colorize = false;
	diag = fy_diag_create(&dcfg);
	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
	pcfg.diag = diag;
	doc = build(&pcfg, arg);
	if (doc == NULL) {
		struct fy_diag_error *e;
		void *it = NULL;
		bool any = false;

		while (diag != NULL && (e = fy_diag_errors_iterate(diag, &it)) != NULL) {
			cerr(&c, e->line + 1, "%s", e->msg ? e->msg : "syntax error");
			any = true;
		}
		if (!any)
			cerr(&c, 0, "not a valid YAML file");
	} else {
		do_root(&c, fy_document_root(doc));
		fy_document_destroy(doc);
	}
	if (diag != NULL)
		fy_diag_unref(diag);
	if (devnull != NULL)
		fclose(devnull);
	return c.nerr ? -1 : 0;
}

struct strarg {
	const char *text;
	size_t len;
};

static struct fy_document *
build_string(const struct fy_parse_cfg *pcfg, void *arg)
{
	struct strarg *s = arg;
	return fy_document_build_from_string(pcfg, s->text, s->len);
}

/*
 * The line of the first character that YAML does not allow in a stream, or 0
 * when there is none: the text must be well-formed UTF-8 (no overlong forms,
 * surrogates or code points past 10FFFFh) of c-printable characters (LF, CR,
 * 20h-7Eh, 85h, A0h-D7FFh, E000h-FFFDh, 10000h-10FFFFh).  TAB is refused too:
 * YAML never indents with it, a double-quoted "\t" still writes one, and
 * libfyaml 0.7.12 mishandles it.  libfyaml must never see any of these: it
 * loops forever on "%\x80" and reads a wild pointer on "? e:\t?" and
 * "? e:\t\0" (all found by fuzz_config).
 */
static int
yaml_bad_line(const unsigned char *p, size_t len)
{
	size_t i = 0, k, n;
	int line = 1;

	while (i < len) {
		unsigned char b = p[i];
		unsigned long cp;

		if (b < 0x80) {
			if ((b < 0x20 && b != '\n' && b != '\r') || b == 0x7f)
				return line;
			line += b == '\n';
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			n = 1;
			cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			n = 2;
			cp = b & 0x0f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			n = 3;
			cp = b & 0x07;
		} else {
			return line;
		}
		if (len - i <= n)
			return line;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return line;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp < 0xa0 && cp != 0x85) || cp == 0xfffe ||
		    cp == 0xffff)
			return line;
		i += n + 1;
	}
	return 0;
}

int
config_load_string(
    struct config *cfg, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	struct strarg s = {text, len};
	int line = yaml_bad_line((const unsigned char *)text, len);

	if (line != 0) {
		snprintf(err, errlen, "%s:%d: not YAML text (a tab or other control character, or not UTF-8)",
		    name, line);
		return -1;
	}
	return load(cfg, name, build_string, &s, err, errlen);
}

int
config_load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL, *p;
	size_t len = 0, cap = 0, n;
	int rc;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Read it whole, so that it is checked before the parser sees it. */
	do {
		if (len == cap) {
			if (cap >= CONFIG_FILE_MAX || (p = realloc(text, cap ? 2 * cap : 4096)) == NULL) {
				snprintf(err, errlen, "%s: %s", path,
				    cap >= CONFIG_FILE_MAX ? "too large" : strerror(errno));
				free(text);
				fclose(f);
				return -1;
			}
			text = p;
			cap = cap ? 2 * cap : 4096;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	rc = config_load_string(cfg, path, text, len, err, errlen);
	free(text);
	return rc;
}
