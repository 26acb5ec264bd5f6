/*
 * The YAML configuration file (docs/configuration.md).  Every error reads
 * "FILE:LINE: message" and names what was expected; the walk goes on after
 * an error so that one run reports all of them.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "config/config.h"
#include "core/ipmi.h"

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

static bool
boolean(struct ctx *c, struct fy_node *v, int line, const char *key, bool *out)
{
	char buf[16];

	if (!scalar(c, v, line, key, buf, sizeof(buf)))
		return false;
	if (strcmp(buf, "true") == 0 || strcmp(buf, "yes") == 0 || strcmp(buf, "on") == 0)
		*out = true;
	else if (strcmp(buf, "false") == 0 || strcmp(buf, "no") == 0 || strcmp(buf, "off") == 0)
		*out = false;
	else {
		cerr(c, line, "%s: expected true or false, not \"%s\"", key, buf);
		return false;
	}
	return true;
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
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "/var/lib/ghostbmc");
	cfg->log_level = BMC_LOG_INFO;
	bmc_conf_defaults(&cfg->bmc);
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

static void
do_root(struct ctx *c, struct fy_node *root)
{
	struct fy_node_pair *p;
	void *it = NULL;

	if (root == NULL)
		return; /* an empty file: all defaults */
	if (!fy_node_is_mapping(root)) {
		cerr(c, 1, "the file must be a mapping of keys (state_dir, listen, bmc, users...)");
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
		else if (strcmp(key, "log_level") == 0) {
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
		else
			cerr(c, l, "unknown key \"%s\"", key);
	}
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

static struct fy_document *
build_file(const struct fy_parse_cfg *pcfg, void *arg)
{
	return fy_document_build_from_file(pcfg, arg);
}

int
config_load_string(
    struct config *cfg, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	struct strarg s = {text, len};
	return load(cfg, name, build_string, &s, err, errlen);
}

int
config_load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	return load(cfg, path, build_file, (void *)path, err, errlen);
}
