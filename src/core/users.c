/*
 * User accounts of the LAN channel (IDs 1..16; ID 1 is the fixed anonymous
 * slot with the null name, which this BMC never lets log in) and the failed
 * login counter behind LAN parameter 26.
 */
#include <stdio.h>

#include "core/bmc_int.h"
#include "core/crypto.h"

void
users_init(struct bmc *bmc)
{
	uint8_t id;

	memset(bmc->users, 0, sizeof(bmc->users));
	for (id = 1; id <= BMC_MAX_USERS; id++) {
		bmc->users[id].id = id;
		bmc->users[id].priv_limit = PRIV_NO_ACCESS;
	}
}

struct bmc_user *
users_slot(struct bmc *bmc, uint8_t id)
{
	if (id < 1 || id > BMC_MAX_USERS)
		return NULL;
	return &bmc->users[id];
}

const struct bmc_user *
bmc_user_get(const struct bmc *bmc, uint8_t id)
{
	if (id < 1 || id > BMC_MAX_USERS)
		return NULL;
	return &bmc->users[id];
}

uint8_t
bmc_user_find(const struct bmc *bmc, const char *name)
{
	uint8_t id;

	if (name == NULL || name[0] == '\0')
		return 0;
	for (id = 2; id <= BMC_MAX_USERS; id++)
		if (bmc->users[id].defined && strcmp(bmc->users[id].name, name) == 0)
			return id;
	return 0;
}

bool
users_name_taken(const struct bmc *bmc, const char *name, uint8_t except_id)
{
	uint8_t id = bmc_user_find(bmc, name);
	return id != 0 && id != except_id;
}

void
users_wire_name(const struct bmc_user *u, uint8_t out[BMC_NAME_LEN])
{
	memset(out, 0, BMC_NAME_LEN);
	memcpy(out, u->name, strnlen(u->name, BMC_NAME_LEN));
}

uint8_t
users_lookup(const struct bmc *bmc, const uint8_t *name, size_t len, bool name_only, uint8_t priv)
{
	uint8_t id;

	if (len == 0 || len > BMC_NAME_LEN)
		return 0;
	for (id = 2; id <= BMC_MAX_USERS; id++) {
		const struct bmc_user *u = &bmc->users[id];
		/* Exact over the wire length: "adm" must not match "admin". */
		if (!u->defined || strlen(u->name) != len || memcmp(u->name, name, len) != 0)
			continue;
		if (!name_only && u->priv_limit != priv)
			continue;
		return id;
	}
	return 0;
}

const char *
bmc_password_problem(const struct bmc_conf *conf, const uint8_t *pw, size_t len, char *buf, size_t buflen)
{
	unsigned min = conf->min_password_len ? conf->min_password_len : 1, classes = 0, mask = 0;
	size_t i;

	if (len < min) {
		snprintf(buf, buflen, "password too short: the minimum length is %u characters", min);
		return buf;
	}
	if (len > BMC_PASSWORD_MAX) {
		snprintf(
		    buf, buflen, "password too long: IPMI allows at most %d characters", BMC_PASSWORD_MAX);
		return buf;
	}
	for (i = 0; i < len; i++) {
		/* A NUL would end the password early on the wire (16/20-byte NUL-padded forms). */
		if (pw[i] == 0) {
			snprintf(buf, buflen, "a password cannot contain a NUL byte");
			return buf;
		}
		mask |= pw[i] >= 'a' && pw[i] <= 'z' ? 1u
		    : pw[i] >= 'A' && pw[i] <= 'Z'   ? 2u
		    : pw[i] >= '0' && pw[i] <= '9'   ? 4u
		                                     : 8u;
	}
	for (i = 0; i < 4; i++)
		classes += (mask >> i) & 1u;
	if (classes < conf->password_classes) {
		snprintf(buf, buflen,
		    "password too simple: it needs characters of %u of the kinds lower case, upper case, "
		    "digits "
		    "and others",
		    conf->password_classes);
		return buf;
	}
	return NULL;
}

static bool
password_ok(const struct bmc *bmc, const uint8_t *pw, size_t len)
{
	char why[160];

	return bmc_password_problem(&bmc->conf, pw, len, why, sizeof(why)) == NULL;
}

int
bmc_user_set_password(struct bmc *bmc, uint8_t id, const uint8_t *pw, size_t pwlen)
{
	struct bmc_user *u = users_slot(bmc, id);

	if (u == NULL || !u->defined)
		return BMC_ERR_NOTFOUND;
	if (!password_ok(bmc, pw, pwlen))
		return BMC_ERR_POLICY;
	memset(u->password, 0, sizeof(u->password));
	memcpy(u->password, pw, pwlen);
	u->password_len = (uint8_t)pwlen;
	u->password_form = pwlen > 16 ? 20 : 16;
	return BMC_OK;
}

int
bmc_user_add(struct bmc *bmc, const char *name, const uint8_t *pw, size_t pwlen, uint8_t priv)
{
	struct bmc_user *u;
	size_t len, i;
	uint8_t id;

	if (name == NULL || (len = strlen(name)) == 0 || len > BMC_NAME_LEN)
		return BMC_ERR_INVALID;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
			return BMC_ERR_INVALID;
	if (priv < PRIV_CALLBACK || priv > PRIV_OEM)
		return BMC_ERR_INVALID;
	if (!password_ok(bmc, pw, pwlen))
		return BMC_ERR_POLICY;
	id = bmc_user_find(bmc, name);
	if (id == 0) {
		for (id = 2; id <= BMC_MAX_USERS; id++)
			if (!bmc->users[id].defined)
				break;
		if (id > BMC_MAX_USERS)
			return BMC_ERR_FULL;
		u = &bmc->users[id];
		memset(u, 0, sizeof(*u));
		u->id = id;
		u->defined = true;
		snprintf(u->name, sizeof(u->name), "%s", name);
	}
	u = &bmc->users[id];
	u->enabled = true;
	u->priv_limit = priv;
	u->ipmi_messaging = true;
	u->link_auth = false;
	u->callback_only = false;
	(void)bmc_user_set_password(bmc, id, pw, pwlen);
	bmc->lockout[id] = (struct user_lockout){0};
	return id;
}

int
bmc_user_delete(struct bmc *bmc, uint8_t id)
{
	struct bmc_user *u = users_slot(bmc, id);

	if (u == NULL || !u->defined || id == 1)
		return BMC_ERR_NOTFOUND;
	crypto_wipe(u, sizeof(*u));
	u->id = id;
	u->priv_limit = PRIV_NO_ACCESS;
	bmc->lockout[id] = (struct user_lockout){0};
	return BMC_OK;
}

void
bmc_user_restore(struct bmc *bmc, const struct bmc_user *src)
{
	struct bmc_user *u = users_slot(bmc, src->id);

	if (u == NULL)
		return;
	*u = *src;
	u->name[BMC_NAME_LEN] = '\0';
	if (u->password_len > BMC_PASSWORD_MAX)
		u->password_len = BMC_PASSWORD_MAX;
	if (!u->defined) {
		uint8_t id = u->id;
		memset(u, 0, sizeof(*u));
		u->id = id;
		u->priv_limit = PRIV_NO_ACCESS;
	}
	/* The anonymous slot never has a name. */
	if (u->id == 1)
		memset(u->name, 0, sizeof(u->name));
}

unsigned
bmc_user_count(const struct bmc *bmc, bool enabled_only)
{
	unsigned n = 0;
	uint8_t id;

	for (id = 1; id <= BMC_MAX_USERS; id++)
		if (bmc->users[id].defined && (!enabled_only || bmc->users[id].enabled))
			n++;
	return n;
}

/* LAN parameter 26: threshold, reset interval and lockout interval (10 s units). */
static void
bad_password_policy(const struct bmc *bmc, uint8_t *threshold, uint64_t *reset_ms, uint64_t *lock_ms)
{
	const uint8_t *p = bmc->params.lan.bad_password;

	*threshold = p[1];
	*reset_ms = (uint64_t)(p[2] | p[3] << 8) * 10000;
	*lock_ms = (uint64_t)(p[4] | p[5] << 8) * 10000;
}

bool
users_locked(const struct bmc *bmc, uint8_t id, uint64_t now_ms)
{
	if (id < 1 || id > BMC_MAX_USERS)
		return false;
	return bmc->lockout[id].locked_until_ms > now_ms;
}

/*
 * A guesser never answers RAKP2 (it checks the hash itself), so a failure
 * shows only when its half-open session ends.  Counting the unanswered ones
 * already in flight makes the threshold hold at once: the attempt that would
 * exceed it gets a fake RAKP2 even before the earlier ones expire.  The cost:
 * `threshold` legitimate logins of one user racing through RAKP2 at the
 * same instant make the next one fail (it is not counted).
 */
bool
users_guesses_exhausted(const struct bmc *bmc, uint8_t id, uint64_t now_ms, unsigned unanswered)
{
	const struct user_lockout *l;
	uint64_t reset_ms, lock_ms;
	unsigned failures;
	uint8_t threshold;

	if (id < 1 || id > BMC_MAX_USERS)
		return false;
	l = &bmc->lockout[id];
	bad_password_policy(bmc, &threshold, &reset_ms, &lock_ms);
	if (threshold == 0)
		return false;
	failures = l->failures;
	if (failures != 0 && reset_ms != 0 && now_ms - l->first_failure_ms >= reset_ms)
		failures = 0;
	return failures + unanswered >= threshold;
}

void
users_login_failed(struct bmc *bmc, uint8_t id, uint64_t now_ms)
{
	struct user_lockout *l;
	uint64_t reset_ms, lock_ms;
	uint8_t threshold;

	if (id < 1 || id > BMC_MAX_USERS)
		return;
	l = &bmc->lockout[id];
	bad_password_policy(bmc, &threshold, &reset_ms, &lock_ms);
	if (threshold == 0)
		return;
	if (l->failures == 0 || (reset_ms != 0 && now_ms - l->first_failure_ms >= reset_ms)) {
		l->failures = 0;
		l->first_failure_ms = now_ms;
	}
	if (++l->failures >= threshold) {
		/* Lockout interval 0 means "until re-enabled": keep it for a very long time. */
		l->locked_until_ms = now_ms + (lock_ms ? lock_ms : UINT64_MAX / 2);
		l->failures = 0;
		bmc->locked_out_pending |= 1u << id;
		bmc_logf(bmc, BMC_LOG_WARN, "user %u (\"%s\") locked out after %u failed logins", id,
		    bmc->users[id].name, threshold);
	}
}

void
users_login_ok(struct bmc *bmc, uint8_t id)
{
	if (id >= 1 && id <= BMC_MAX_USERS)
		bmc->lockout[id].failures = 0;
}
