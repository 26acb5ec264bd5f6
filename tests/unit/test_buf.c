/* The bounded reader and writer: sticky errors, zero fill, no write past capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/buf.h"

static void
test_reads_in_order(void **state)
{
	const uint8_t d[] = {0x01, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0xaa, 0xbb};
	struct buf b = BUF_INIT(d, sizeof(d));

	(void)state;
	assert_int_equal(buf_get_u8(&b), 0x01);
	assert_int_equal(buf_get_u16le(&b), 0x1234);
	assert_int_equal(buf_get_u32le(&b), 0x12345678);
	assert_int_equal(buf_get_u16be(&b), 0xaabb);
	assert_false(b.err);
	assert_int_equal(b.left, 0);
}

static void
test_short_read_is_sticky_and_zero(void **state)
{
	const uint8_t d[] = {0xff, 0xff, 0xff};
	struct buf b = BUF_INIT(d, sizeof(d));
	uint8_t out[4] = {9, 9, 9, 9};

	(void)state;
	/* A multi-byte read that does not fit reads nothing and yields 0. */
	assert_int_equal(buf_get_u32le(&b), 0);
	assert_true(b.err);
	assert_int_equal(b.left, 3);
	/* Once failed, every read fails, even one that would fit. */
	assert_int_equal(buf_get_u8(&b), 0);
	assert_false(buf_get_bytes(&b, out, 2));
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0);
	assert_null(buf_take(&b, 0));
}

static void
test_take_and_skip(void **state)
{
	const uint8_t d[] = {1, 2, 3, 4};
	struct buf b = BUF_INIT(d, sizeof(d));

	(void)state;
	assert_true(buf_skip(&b, 1));
	assert_ptr_equal(buf_take(&b, 2), d + 1);
	assert_int_equal(b.left, 1);
	assert_null(buf_take(&b, 2));
	assert_true(b.err);
}

static void
test_writer_never_overflows(void **state)
{
	uint8_t out[6] = {0};
	uint8_t guard[4] = {0xee, 0xee, 0xee, 0xee};
	struct wbuf w = WBUF_INIT(out, 5);
	uint8_t *r;

	(void)state;
	wbuf_put_u16le(&w, 0x1234);
	r = wbuf_reserve(&w, 1);
	assert_non_null(r);
	*r = 0x77;
	wbuf_put_u16be(&w, 0xabcd);
	assert_false(w.err);
	assert_int_equal(w.len, 5);
	wbuf_put_u8(&w, 0x99);
	assert_true(w.err);
	wbuf_put_bytes(&w, guard, 4);
	wbuf_put_fill(&w, 0xee, 1);
	assert_null(wbuf_reserve(&w, 1));
	assert_int_equal(w.len, 5);
	assert_int_equal(out[5], 0); /* nothing past capacity */
	assert_int_equal(out[0], 0x34);
	assert_int_equal(out[2], 0x77);
	assert_int_equal(out[3], 0xab);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_in_order),
	    cmocka_unit_test(test_short_read_is_sticky_and_zero),
	    cmocka_unit_test(test_take_and_skip),
	    cmocka_unit_test(test_writer_never_overflows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
