/* The command table and the order of the checks before a handler runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "harness.h"

static void
test_table_sorted_and_sane(void **state)
{
	size_t i, n = dispatch_table_size();

	(void)state;
	assert_true(n > 20);
	for (i = 0; i < n; i++) {
		const struct cmd_desc *d = dispatch_table_entry(i);
		assert_non_null(d->handler);
		assert_true(d->min_len <= d->max_len);
		assert_true(d->min_priv <= PRIV_ADMIN);
		assert_ptr_equal(dispatch_find(d->netfn, d->cmd), d);
		if (i > 0) {
			const struct cmd_desc *p = dispatch_table_entry(i - 1);
			assert_true((p->netfn << 8 | p->cmd) < (d->netfn << 8 | d->cmd));
		}
	}
	assert_null(dispatch_table_entry(n));
	assert_null(dispatch_find(NETFN_APP, 0xff));
	assert_null(dispatch_find(NETFN_GROUP_EXT, 0x00));
}

static void
test_check_order(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64], big[40] = {0};
	size_t n;

	(void)state;
	/* Unknown: C1h even with no privilege at all. */
	n = h_cmd(h, PRIV_NONE, NETFN_APP, 0xff, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_INVALID_CMD);
	/* Known, not allowed: D4h before the length is looked at. */
	n = h_cmd(h, PRIV_USER, NETFN_APP, 0x45, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	/* Allowed, wrong length: C7h, for one byte too few and one too many. */
	n = h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x45, big, 16, rsp, sizeof(rsp));
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_REQ_LEN);
	n = h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x45, big, 18, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_REQ_LEN);
	n = h_cmd(h, PRIV_USER, NETFN_APP, 0x01, big, 1, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_REQ_LEN);
	/* Right: the handler answers. */
	n = h_cmd(h, PRIV_USER, NETFN_APP, 0x01, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 16);
	h_free(h);
}

/* A handler that fails after checking must leave no effect and no data. */
static void
test_failure_rolls_back_effects(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64], rq[23] = {0x01, 0x01, 0x01};

	(void)state;
	/* Set Channel Security Keys with a K_G starting with 00h: 83h, no effect. */
	rq[4] = 0x11;
	assert_int_equal(h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x56, rq, sizeof(rq), rsp, sizeof(rsp)), 1);
	assert_int_equal(rsp[0], 0x83);
	assert_int_equal(h->out.nfx, 0);
	/* And a good one: one durable effect. */
	rq[3] = 0x42;
	assert_int_equal(h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x56, rq, sizeof(rq), rsp, sizeof(rsp)), 2);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SAVE_PARAM);
	assert_int_equal(h->out.fx[0].arg, BMC_PARAM_KG);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_sorted_and_sane),
	    cmocka_unit_test(test_check_order),
	    cmocka_unit_test(test_failure_rolls_back_effects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
