/*
 * User accounts (App 06h/43h-47h, IPMI 2.0 22.26-22.30; CHECKLIST 19).
 * Only the LAN channel (1) has users here.  Nothing is changed before every
 * field has been checked, and every change is committed before the reply.
 */
#include <stdio.h>

#include "core/crypto.h"
#include "core/rmcp.h"

#define FIXED_NAME_USERS 1 /* ID 1, the anonymous null-name slot */

static bool
user_channel_ok(struct cmd_ctx *ctx, uint8_t b)
{
	return ctx_channel(ctx, b) == CHANNEL_LAN;
}

uint8_t
cmd_set_user_access(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t b1 = buf_get_u8(rq), id = buf_get_u8(rq) & 0x3f, b3 = buf_get_u8(rq);
	uint8_t priv = b3 & 0x0f, limit = rq->left ? buf_get_u8(rq) & 0x0f : 0;
	bool has_limit = limit != 0;
	struct bmc_user *u = users_slot(ctx->bmc, id);

	(void)rs;
	if (!user_channel_ok(ctx, b1) || u == NULL)
		return CC_INVALID_FIELD;
	if (priv != PRIV_NO_ACCESS && (priv < PRIV_CALLBACK || priv > PRIV_OEM))
		return CC_INVALID_FIELD;
	/* The anonymous slot never gets access: null-user logins stay off. */
	if (id == 1 && priv != PRIV_NO_ACCESS)
		return CC_INVALID_FIELD;
	if (b1 & 0x80) {
		u->callback_only = (b1 & 0x40) != 0;
		u->link_auth = (b1 & 0x20) != 0;
		u->ipmi_messaging = (b1 & 0x10) != 0;
	}
	u->priv_limit = priv;
	if (has_limit)
		u->session_limit = limit;
	ctx_persist(ctx, FX_SAVE_USER, id);
	return CC_OK;
}

uint8_t
cmd_get_user_access(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t ch = buf_get_u8(rq), id = buf_get_u8(rq) & 0x3f, access;
	const struct bmc_user *u = bmc_user_get(ctx->bmc, id);

	if (!user_channel_ok(ctx, ch) || u == NULL)
		return CC_INVALID_FIELD;
	access = (uint8_t)((u->callback_only ? 0x40 : 0) | (u->link_auth ? 0x20 : 0) |
	    (u->ipmi_messaging ? 0x10 : 0) | (u->priv_limit & 0x0f));
	wbuf_put_u8(rs, BMC_MAX_USERS);
	/* bits 7:6: 01b enabled, 10b disabled (of this user); 5:0: enabled users */
	wbuf_put_u8(rs, (uint8_t)((u->enabled ? 0x40 : 0x80) | (bmc_user_count(ctx->bmc, true) & 0x3f)));
	wbuf_put_u8(rs, FIXED_NAME_USERS);
	wbuf_put_u8(rs, access);
	return CC_OK;
}

uint8_t
cmd_set_user_name(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t id = buf_get_u8(rq) & 0x3f, raw[BMC_NAME_LEN];
	struct bmc_user *u = users_slot(ctx->bmc, id);
	char name[BMC_NAME_LEN + 1];
	size_t len, i;

	(void)rs;
	buf_get_bytes(rq, raw, sizeof(raw));
	if (u == NULL || id == 1)
		return CC_INVALID_FIELD;
	len = strnlen((const char *)raw, sizeof(raw));
	for (i = 0; i < len; i++)
		if (raw[i] < 0x21 || raw[i] > 0x7e)
			return CC_INVALID_FIELD;
	for (i = len; i < sizeof(raw); i++)
		if (raw[i] != 0)
			return CC_INVALID_FIELD;
	memcpy(name, raw, len);
	name[len] = '\0';
	if (len == 0) {
		/* An empty name frees the slot. */
		if (u->defined)
			bmc_user_delete(ctx->bmc, id);
		ctx_persist(ctx, FX_SAVE_USER, id);
		return CC_OK;
	}
	/* Name-only lookup at login must find one user. */
	if (users_name_taken(ctx->bmc, name, id))
		return CC_INVALID_FIELD;
	if (!u->defined) {
		/*
		 * A new account: disabled and without a password until set, IPMI
		 * messaging on so that `user priv` + `user enable` is enough,
		 * as ipmitool's recipe expects.
		 */
		memset(u, 0, sizeof(*u));
		u->id = id;
		u->defined = true;
		u->enabled = false;
		u->ipmi_messaging = true;
		u->priv_limit = PRIV_NO_ACCESS;
	}
	memcpy(u->name, name, len + 1);
	ctx_persist(ctx, FX_SAVE_USER, id);
	return CC_OK;
}

uint8_t
cmd_get_user_name(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t id = buf_get_u8(rq) & 0x3f, name[BMC_NAME_LEN];
	const struct bmc_user *u = bmc_user_get(ctx->bmc, id);

	if (u == NULL)
		return CC_INVALID_FIELD;
	if (u->defined)
		users_wire_name(u, name);
	else
		memset(name, 0, sizeof(name));
	wbuf_put_bytes(rs, name, sizeof(name));
	return CC_OK;
}

enum { PW_DISABLE = 0, PW_ENABLE = 1, PW_SET = 2, PW_TEST = 3 };

uint8_t
cmd_set_user_password(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t b1 = buf_get_u8(rq), op = buf_get_u8(rq) & 0x03, id = b1 & 0x3f, pw[BMC_PASSWORD_MAX] = {0};
	size_t form = (b1 & 0x80) ? 20 : 16, len;
	struct bmc_user *u = users_slot(ctx->bmc, id);
	int rc;

	(void)rs;
	if (op == PW_SET || op == PW_TEST) {
		if (rq->left != form)
			return CC_REQ_LEN;
		buf_get_bytes(rq, pw, form);
	} else if (rq->left != 0 && rq->left != form) {
		/* ipmitool sends the (ignored) password field with enable/disable too. */
		return CC_REQ_LEN;
	}
	if (u == NULL || (b1 & 0x40))
		return CC_INVALID_FIELD;
	/* The anonymous slot stays off: no null-user or anonymous logins. */
	if (id == 1 || !u->defined)
		return CC_INVALID_FIELD;
	len = strnlen((const char *)pw, form);
	switch (op) {
	case PW_DISABLE:
	case PW_ENABLE:
		u->enabled = op == PW_ENABLE;
		ctx_persist(ctx, FX_SAVE_USER, id);
		return CC_OK;
	case PW_SET:
		rc = bmc_user_set_password(ctx->bmc, id, pw, len);
		crypto_wipe(pw, sizeof(pw));
		if (rc != BMC_OK)
			return CC_INVALID_FIELD; /* policy: too short, empty */
		u->password_form = (uint8_t)form;
		ctx_persist(ctx, FX_SAVE_USER, id);
		return CC_OK;
	default: {
		/* Compare the whole padded form, in constant time. */
		uint8_t have[BMC_PASSWORD_MAX] = {0};
		bool same;

		memcpy(have, u->password, u->password_len);
		same = u->password_len > 0 && crypto_equal(have, pw, form) &&
		    (form == 20 || u->password_len <= 16);
		crypto_wipe(have, sizeof(have));
		crypto_wipe(pw, sizeof(pw));
		if (!same)
			return 0x80; /* wrong password */
		/* Right text, stored in the other size: 81h (IPMI 2.0 22.30). */
		if (u->password_form != form)
			return 0x81;
		return CC_OK;
	}
	}
}
