/* User commands (CHECKLIST 19): layouts, length rules, policy, durable effects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "harness.h"

static uint8_t rsp[64];

static uint8_t
set_name(struct harness *h, uint8_t id, const char *name)
{
	uint8_t rq[17] = {id};

	memcpy(rq + 1, name, strlen(name));
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x45, rq, sizeof(rq), rsp, sizeof(rsp));
	return rsp[0];
}

static uint8_t
set_password(struct harness *h, uint8_t id, uint8_t op, const char *pw, size_t form, size_t len)
{
	uint8_t rq[22] = {(uint8_t)(id | (form == 20 ? 0x80 : 0)), op};

	if (pw)
		memcpy(rq + 2, pw, strlen(pw));
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x47, rq, len, rsp, sizeof(rsp));
	return rsp[0];
}

static void
assert_saved(struct harness *h, uint8_t id)
{
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SAVE_USER);
	assert_int_equal(h->out.fx[0].arg, id);
}

/* The sequence ipmitool's documentation gives creates a user that can log in. */
static void
test_ipmitool_recipe(void **state)
{
	struct harness *h = h_new(NULL);
	const struct bmc_user *u;

	(void)state;
	assert_int_equal(set_name(h, 3, "bob"), CC_OK);
	assert_saved(h, 3);
	assert_int_equal(set_password(h, 3, 2, "Bob-Passw0rd", 16, 18), CC_OK);
	assert_saved(h, 3);
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x43, (const uint8_t[]){0x01, 0x03, 0x03, 0x00}, 4, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(set_password(h, 3, 1, NULL, 16, 18), CC_OK); /* ipmitool sends 18 bytes */
	u = bmc_user_get(h->bmc, 3);
	assert_true(u->defined && u->enabled && u->ipmi_messaging);
	assert_int_equal(u->priv_limit, PRIV_OPERATOR);
	assert_int_equal(users_lookup(h->bmc, (const uint8_t *)"bob", 3, true, 0), 3);
	/* Get User Access / Name. */
	h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x44, (const uint8_t[]){0x01, 0x03}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[1], 16);
	assert_int_equal(rsp[2], 0x40 | 1); /* this user enabled; one enabled user */
	assert_int_equal(rsp[3], 1);
	assert_int_equal(rsp[4], 0x10 | PRIV_OPERATOR);
	assert_int_equal(
	    h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x46, (const uint8_t[]){3}, 1, rsp, sizeof(rsp)), 17);
	assert_memory_equal(rsp + 1, "bob\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	/* Disable: 2 bytes works too. */
	assert_int_equal(set_password(h, 3, 0, NULL, 16, 2), CC_OK);
	assert_false(bmc_user_get(h->bmc, 3)->enabled);
	h_free(h);
}

static void
test_names(void **state)
{
	struct harness *h = h_new(NULL);

	(void)state;
	assert_int_equal(set_name(h, 1, "anon"), CC_INVALID_FIELD);
	assert_int_equal(set_name(h, 0, "zero"), CC_INVALID_FIELD);
	assert_int_equal(set_name(h, 17, "big"), CC_INVALID_FIELD);
	assert_int_equal(set_name(h, 3, "has space"), CC_INVALID_FIELD);
	assert_int_equal(set_name(h, 3, "bob"), CC_OK);
	assert_int_equal(set_name(h, 4, "bob"), CC_INVALID_FIELD); /* duplicate */
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(set_name(h, 3, "bob"), CC_OK); /* same slot: fine */
	assert_int_equal(set_name(h, 3, ""), CC_OK); /* clears the slot */
	assert_false(bmc_user_get(h->bmc, 3)->defined);
	/* Undefined slots read as empty names. */
	assert_int_equal(
	    h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x46, (const uint8_t[]){9}, 1, rsp, sizeof(rsp)), 17);
	assert_int_equal(rsp[1], 0);
	h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x46, (const uint8_t[]){0}, 1, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_free(h);
}

static void
test_passwords(void **state)
{
	struct harness *h = h_new(NULL);

	(void)state;
	set_name(h, 3, "bob");
	/* Length must match the form. */
	assert_int_equal(set_password(h, 3, 2, "Bob-Passw0rd", 16, 17), CC_REQ_LEN);
	assert_int_equal(set_password(h, 3, 2, "Bob-Passw0rd", 16, 22), CC_REQ_LEN);
	assert_int_equal(set_password(h, 3, 2, "Bob-Passw0rd", 20, 18), CC_REQ_LEN);
	/* Policy: too short. */
	assert_int_equal(set_password(h, 3, 2, "short", 16, 18), CC_INVALID_FIELD);
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(set_password(h, 3, 2, "Bob-Passw0rd", 16, 18), CC_OK);
	/* Test: right, wrong, right text in the other form. */
	assert_int_equal(set_password(h, 3, 3, "Bob-Passw0rd", 16, 18), CC_OK);
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(set_password(h, 3, 3, "Bob-Passw0rX", 16, 18), 0x80);
	assert_int_equal(set_password(h, 3, 3, "Bob-Passw0rd", 20, 22), 0x81);
	assert_int_equal(set_password(h, 3, 2, "Twenty-Byte-Passw0rd", 20, 22), CC_OK);
	assert_int_equal(bmc_user_get(h->bmc, 3)->password_len, 20);
	assert_int_equal(set_password(h, 3, 3, "Twenty-Byte-Passw0rd", 20, 22), CC_OK);
	/* The anonymous slot and undefined slots: refused. */
	assert_int_equal(set_password(h, 1, 1, NULL, 16, 2), CC_INVALID_FIELD);
	assert_int_equal(set_password(h, 9, 2, "Some-Passw0rd", 16, 18), CC_INVALID_FIELD);
	h_free(h);
}

static void
test_access_rules(void **state)
{
	struct harness *h = h_new(NULL);

	(void)state;
	set_name(h, 3, "bob");
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x43, (const uint8_t[]){0x02, 0x03, 0x04}, 3, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD); /* channel 2 */
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x43, (const uint8_t[]){0x01, 0x03, 0x07}, 3, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD); /* privilege 7 */
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x43, (const uint8_t[]){0x01, 0x01, 0x04}, 3, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD); /* anonymous */
	/* Bit 7 set: the access bits change too. */
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x43, (const uint8_t[]){0x81, 0x03, 0x02}, 3, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	assert_false(bmc_user_get(h->bmc, 3)->ipmi_messaging);
	/* Privilege: Set needs ADMIN, Get needs OPERATOR. */
	h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x43, (const uint8_t[]){0x01, 0x03, 0x02}, 3, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x44, (const uint8_t[]){0x01, 0x03}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipmitool_recipe),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_passwords),
	    cmocka_unit_test(test_access_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
