/* QEMU ipmi-bmc-extern framing (core/vmchan.c) and the system interface (core/sysif.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "harness.h"
#include "core/chassis.h"
#include "core/sysif.h"
#include "core/vmchan.h"

#define EV_MAX 16

/* What a callback saw: copies, since event data lives only during the call. */
struct seen {
	size_t n;
	struct vmchan_event ev[EV_MAX];
	uint8_t data[EV_MAX][VMCHAN_FRAME_MAX];
};

static void
collect(void *arg, const struct vmchan_event *ev)
{
	struct seen *s = arg;
	const uint8_t *p = ev->kind == VMCHAN_EV_MSG ? ev->data : ev->args;
	size_t len = ev->kind == VMCHAN_EV_MSG ? ev->len : ev->nargs;

	assert_true(s->n < EV_MAX);
	assert_true(len <= VMCHAN_FRAME_MAX);
	s->ev[s->n] = *ev;
	if (len > 0)
		memcpy(s->data[s->n], p, len);
	s->n++;
}

static void
feed(struct vmchan *v, struct seen *s, const uint8_t *p, size_t n)
{
	vmchan_feed(v, p, n, collect, s);
}

#define FEED(v, s, ...) feed(v, s, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void
expect_msg(const struct seen *s, size_t i, uint8_t seq, uint8_t netfn, uint8_t lun, uint8_t cmd,
    const uint8_t *data, size_t len)
{
	assert_true(i < s->n);
	assert_int_equal(s->ev[i].kind, VMCHAN_EV_MSG);
	assert_int_equal(s->ev[i].seq, seq);
	assert_int_equal(s->ev[i].netfn, netfn);
	assert_int_equal(s->ev[i].lun, lun);
	assert_int_equal(s->ev[i].cmd, cmd);
	assert_int_equal(s->ev[i].len, len);
	if (len > 0)
		assert_memory_equal(s->data[i], data, len);
}

/* Wire vectors observed between QEMU 7.2 and a BMC. */
static const uint8_t get_device_id_rq[] = {0x00, 0x18, 0x01, 0xe7, 0xa0};
static const uint8_t get_device_id_rs[] = {
    0x00, 0x1c, 0x01, 0x00, 0x20, 0x81, 0x01, 0x00, 0x02, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0xa0};
static const uint8_t set_enables_rq[] = {0x02, 0x18, 0x2e, 0x0e, 0xaa, 0xba, 0xa0};
static const uint8_t get_enables_rs[] = {0x05, 0x1c, 0x2f, 0x00, 0x0f, 0xaa, 0xb1, 0xa0};
static const uint8_t get_flags_rq[] = {0x0d, 0x18, 0x31, 0xaa, 0xba, 0xa0};
static const uint8_t read_evt_rq[] = {0x12, 0x18, 0x35, 0xaa, 0xb1, 0xa0};
static const uint8_t handshake[] = {0xff, 0x01, 0xa1, 0x08, 0x3f, 0xa1};

static void
test_decode_vectors(void **state)
{
	struct vmchan v;
	struct seen s = {0};

	(void)state;
	vmchan_init(&v);
	feed(&v, &s, get_device_id_rq, sizeof(get_device_id_rq));
	expect_msg(&s, 0, 0x00, NETFN_APP, 0, 0x01, NULL, 0);
	feed(&v, &s, set_enables_rq, sizeof(set_enables_rq));
	expect_msg(&s, 1, 0x02, NETFN_APP, 0, 0x2e, (const uint8_t[]){0x0e}, 1);
	feed(&v, &s, get_flags_rq, sizeof(get_flags_rq));
	expect_msg(&s, 2, 0x0d, NETFN_APP, 0, 0x31, NULL, 0);
	feed(&v, &s, read_evt_rq, sizeof(read_evt_rq));
	expect_msg(&s, 3, 0x12, NETFN_APP, 0, 0x35, NULL, 0);
	/* Responses decode too (odd netFn): completion code first. */
	feed(&v, &s, get_enables_rs, sizeof(get_enables_rs));
	expect_msg(&s, 4, 0x05, NETFN_APP | 1, 0, 0x2f, (const uint8_t[]){0x00, 0x0f}, 2);
	feed(&v, &s, get_device_id_rs, sizeof(get_device_id_rs));
	expect_msg(&s, 5, 0x00, NETFN_APP | 1, 0, 0x01, get_device_id_rs + 3, 12);
	assert_int_equal(s.n, 6);
	assert_int_equal(v.stats.msgs, 6);
	assert_int_equal(v.stats.dropped, 0);
	/* A LUN other than 0 is reported as such. */
	FEED(&v, &s, 0x07, 0x19, 0x01, 0xdf, 0xa0);
	expect_msg(&s, 6, 0x07, NETFN_APP, 1, 0x01, NULL, 0);
}

static void
test_decode_control(void **state)
{
	struct vmchan v;
	struct seen s = {0};

	(void)state;
	vmchan_init(&v);
	feed(&v, &s, handshake, sizeof(handshake));
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[0].kind, VMCHAN_EV_VERSION);
	assert_int_equal(s.ev[0].value, 1);
	assert_int_equal(s.ev[1].kind, VMCHAN_EV_CAPS);
	assert_int_equal(s.ev[1].value, 0x3f);
	FEED(&v, &s, 0x04, 0xa1);
	assert_int_equal(s.ev[2].kind, VMCHAN_EV_RESET);
	/* Unknown commands, and ones meant for the other direction, are events to log and ignore. */
	FEED(&v, &s, 0x07, 0xa1, 0x42, 0x01, 0xaa, 0xb0, 0xa1);
	assert_int_equal(s.ev[3].kind, VMCHAN_EV_CONTROL);
	assert_int_equal(s.ev[3].ctl, 0x07);
	assert_int_equal(s.ev[3].nargs, 0);
	assert_int_equal(s.ev[4].kind, VMCHAN_EV_CONTROL);
	assert_int_equal(s.ev[4].ctl, 0x42);
	assert_int_equal(s.ev[4].nargs, 2);
	assert_memory_equal(s.data[4], ((const uint8_t[]){0x01, 0xa0}), 2);
	assert_int_equal(v.stats.controls, 5);
	/* Version and capabilities need their argument; an empty control frame is short. */
	FEED(&v, &s, 0xff, 0xa1, 0x08, 0xa1, 0xa1);
	assert_int_equal(s.n, 8);
	assert_int_equal(s.ev[5].kind, VMCHAN_EV_ERROR);
	assert_int_equal(s.ev[5].error, VMCHAN_ERR_CONTROL);
	assert_int_equal(s.ev[6].error, VMCHAN_ERR_CONTROL);
	assert_int_equal(s.ev[7].error, VMCHAN_ERR_SHORT);
	assert_int_equal(v.stats.bad_control, 2);
	assert_int_equal(v.stats.short_frames, 1);
	assert_int_equal(v.stats.dropped, 3);
	/* The stream is still in step. */
	feed(&v, &s, get_device_id_rq, sizeof(get_device_id_rq));
	expect_msg(&s, 8, 0x00, NETFN_APP, 0, 0x01, NULL, 0);
}

/* A valid frame fed in two pieces at every split point, and every prefix ended early. */
static void
check_prefixes(const uint8_t *frame, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		struct vmchan v;
		struct seen s = {0}, whole = {0};

		vmchan_init(&v);
		feed(&v, &whole, frame, n);
		assert_int_equal(whole.n, 1);

		/* Any prefix alone: nothing yet; the rest completes the same event. */
		feed(&v, &s, frame, k);
		assert_int_equal(s.n, 0);
		feed(&v, &s, frame + k, n - k);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.ev[0].kind, whole.ev[0].kind);
		assert_int_equal(s.ev[0].seq, whole.ev[0].seq);
		assert_int_equal(s.ev[0].len, whole.ev[0].len);
		assert_memory_equal(s.data[0], whole.data[0], whole.ev[0].len + whole.ev[0].nargs);

		/* A strict prefix ended by a terminator is dropped, and the next frame is intact. */
		if (k == n - 1)
			continue; /* that is the whole frame */
		memset(&s, 0, sizeof(s));
		feed(&v, &s, frame, k);
		feed(&v, &s, frame + n - 1, 1);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.ev[0].kind, VMCHAN_EV_ERROR);
		feed(&v, &s, frame, n);
		assert_int_equal(s.n, 2);
		assert_int_equal(s.ev[1].kind, whole.ev[0].kind);
		assert_int_equal(v.stats.dropped, 1);
	}
}

static void
test_truncated_prefixes(void **state)
{
	(void)state;
	check_prefixes(get_device_id_rq, sizeof(get_device_id_rq));
	check_prefixes(set_enables_rq, sizeof(set_enables_rq));
	check_prefixes(get_enables_rs, sizeof(get_enables_rs));
	check_prefixes(get_device_id_rs, sizeof(get_device_id_rs));
}

static void
test_byte_at_a_time(void **state)
{
	uint8_t stream[128];
	struct vmchan v;
	struct seen s = {0};
	size_t n = 0, i;

	(void)state;
	memcpy(stream + n, handshake, sizeof(handshake));
	n += sizeof(handshake);
	memcpy(stream + n, set_enables_rq, sizeof(set_enables_rq));
	n += sizeof(set_enables_rq);
	memcpy(stream + n, read_evt_rq, sizeof(read_evt_rq));
	n += sizeof(read_evt_rq);
	vmchan_init(&v);
	for (i = 0; i < n; i++)
		feed(&v, &s, stream + i, 1);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.ev[0].kind, VMCHAN_EV_VERSION);
	assert_int_equal(s.ev[1].kind, VMCHAN_EV_CAPS);
	expect_msg(&s, 2, 0x02, NETFN_APP, 0, 0x2e, (const uint8_t[]){0x0e}, 1);
	expect_msg(&s, 3, 0x12, NETFN_APP, 0, 0x35, NULL, 0);
}

static void
test_bad_checksum(void **state)
{
	uint8_t bad[sizeof(get_device_id_rq)];
	struct vmchan v;
	struct seen s = {0};

	(void)state;
	memcpy(bad, get_device_id_rq, sizeof(bad));
	bad[3] ^= 0x01;
	vmchan_init(&v);
	feed(&v, &s, bad, sizeof(bad));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, VMCHAN_EV_ERROR);
	assert_int_equal(s.ev[0].error, VMCHAN_ERR_CHECKSUM);
	assert_int_equal(v.stats.bad_checksum, 1);
	/* A data byte changed instead of the checksum. */
	FEED(&v, &s, 0x02, 0x18, 0x2e, 0x0f, 0xaa, 0xba, 0xa0);
	assert_int_equal(s.ev[1].error, VMCHAN_ERR_CHECKSUM);
	/* Without unescaping, the sum would be wrong: the checksum covers the real bytes. */
	FEED(&v, &s, 0x02, 0x18, 0x2e, 0x0e, 0xba, 0xa0);
	assert_int_equal(s.ev[2].error, VMCHAN_ERR_CHECKSUM);
	assert_int_equal(v.stats.bad_checksum, 3);
	assert_int_equal(v.stats.msgs, 0);
	assert_string_equal(vmchan_strerror(VMCHAN_ERR_CHECKSUM), "bad checksum");
}

static void
test_bad_escape(void **state)
{
	struct vmchan v;
	struct seen s = {0};

	(void)state;
	vmchan_init(&v);
	/* An escape right before the end: dropped, and the escape does not leak into the next frame. */
	FEED(&v, &s, 0x00, 0x18, 0x01, 0xe7, 0xaa, 0xa0);
	assert_int_equal(s.ev[0].error, VMCHAN_ERR_ESCAPE);
	feed(&v, &s, get_device_id_rq, sizeof(get_device_id_rq));
	expect_msg(&s, 1, 0x00, NETFN_APP, 0, 0x01, NULL, 0);
	FEED(&v, &s, 0x07, 0xaa, 0xa1);
	assert_int_equal(s.ev[2].error, VMCHAN_ERR_ESCAPE);
	/* Two escapes in a row. */
	FEED(&v, &s, 0x02, 0x18, 0x2e, 0x0e, 0xaa, 0xaa, 0xba, 0xa0);
	assert_int_equal(s.ev[3].error, VMCHAN_ERR_ESCAPE);
	feed(&v, &s, set_enables_rq, sizeof(set_enables_rq));
	expect_msg(&s, 4, 0x02, NETFN_APP, 0, 0x2e, (const uint8_t[]){0x0e}, 1);
	assert_int_equal(v.stats.bad_escape, 3);
	assert_int_equal(v.stats.dropped, 3);
}

static void
test_overlong(void **state)
{
	uint8_t data[VMCHAN_RQ_DATA_MAX + 1], wire[2 * VMCHAN_WIRE_MAX];
	struct vmchan v;
	struct seen s = {0};
	size_t n, i;
	uint8_t sum;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	vmchan_init(&v);
	/* The longest frame there is: 302 bytes. */
	n = vmchan_encode_msg(0x33, NETFN_APP, 0, 0x40, data, VMCHAN_RQ_DATA_MAX, wire, sizeof(wire));
	assert_true(n > 0);
	feed(&v, &s, wire, n);
	expect_msg(&s, 0, 0x33, NETFN_APP, 0, 0x40, data, VMCHAN_RQ_DATA_MAX);
	assert_int_equal(
	    vmchan_encode_msg(0x33, NETFN_APP, 0, 0x40, data, sizeof(data), wire, sizeof(wire)), 0);

	/* One byte more (with a correct checksum): discarded up to its end, counted, never buffered past the
	 * limit. */
	n = 0;
	sum = 0;
	wire[n++] = 0x33;
	wire[n++] = NETFN_APP << 2;
	wire[n++] = 0x40;
	for (i = 0; i < sizeof(data); i++)
		wire[n++] = 0x11;
	for (i = 0; i < n; i++)
		sum = (uint8_t)(sum + wire[i]);
	wire[n++] = (uint8_t)-sum; /* 3 + 0x40 + 0x18 + 299 * 0x11: not a special byte */
	wire[n++] = 0xa0;
	feed(&v, &s, wire, n);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[1].kind, VMCHAN_EV_ERROR);
	assert_int_equal(s.ev[1].error, VMCHAN_ERR_OVERLONG);
	assert_int_equal(v.stats.overlong, 1);

	/* Megabytes with no end byte: still one bounded frame, then one error. */
	memset(wire, 0x55, sizeof(wire));
	for (i = 0; i < 1000; i++)
		feed(&v, &s, wire, sizeof(wire));
	assert_int_equal(s.n, 2);
	assert_true(v.len <= VMCHAN_FRAME_MAX);
	FEED(&v, &s, 0xa1);
	assert_int_equal(s.ev[2].error, VMCHAN_ERR_OVERLONG);
	feed(&v, &s, get_device_id_rq, sizeof(get_device_id_rq));
	expect_msg(&s, 3, 0x00, NETFN_APP, 0, 0x01, NULL, 0);
	assert_int_equal(v.stats.overlong, 2);
}

static void
test_garbage_between_frames(void **state)
{
	struct vmchan v;
	struct seen s = {0};

	(void)state;
	vmchan_init(&v);
	feed(&v, &s, get_device_id_rq, sizeof(get_device_id_rq));
	FEED(&v, &s, 0x55, 0x66, 0x77, 0x88, 0xa0); /* bad checksum */
	FEED(&v, &s, 0xa0, 0xa0); /* empty messages */
	FEED(&v, &s, 0x01, 0xa0); /* short */
	feed(&v, &s, set_enables_rq, sizeof(set_enables_rq));
	FEED(&v, &s, 0xaa, 0xa1); /* escape then end */
	feed(&v, &s, handshake, sizeof(handshake));
	assert_int_equal(s.n, 9);
	expect_msg(&s, 0, 0x00, NETFN_APP, 0, 0x01, NULL, 0);
	assert_int_equal(s.ev[1].error, VMCHAN_ERR_CHECKSUM);
	assert_int_equal(s.ev[2].error, VMCHAN_ERR_SHORT);
	assert_int_equal(s.ev[3].error, VMCHAN_ERR_SHORT);
	assert_int_equal(s.ev[4].error, VMCHAN_ERR_SHORT);
	expect_msg(&s, 5, 0x02, NETFN_APP, 0, 0x2e, (const uint8_t[]){0x0e}, 1);
	assert_int_equal(s.ev[6].error, VMCHAN_ERR_ESCAPE);
	assert_int_equal(s.ev[7].kind, VMCHAN_EV_VERSION);
	assert_int_equal(s.ev[8].kind, VMCHAN_EV_CAPS);
	assert_int_equal(v.stats.dropped, 5);
	assert_int_equal(v.stats.msgs, 2);
	/* Garbage with no end byte glues onto the next frame and spoils it (no start marker): one drop. */
	FEED(&v, &s, 0x12, 0x34);
	feed(&v, &s, get_device_id_rq, sizeof(get_device_id_rq));
	assert_int_equal(s.ev[9].error, VMCHAN_ERR_CHECKSUM);
	/* A connection reset forgets such a partial frame. */
	FEED(&v, &s, 0x12, 0x34, 0xaa);
	vmchan_reset(&v);
	feed(&v, &s, get_device_id_rq, sizeof(get_device_id_rq));
	expect_msg(&s, 10, 0x00, NETFN_APP, 0, 0x01, NULL, 0);
	/* Without a callback, frames are still counted. */
	vmchan_feed(&v, get_device_id_rq, sizeof(get_device_id_rq), NULL, NULL);
	vmchan_feed(&v, (const uint8_t[]){0x01, 0xa0}, 2, NULL, NULL);
	assert_int_equal(v.stats.msgs, 4);
	assert_int_equal(v.stats.dropped, 7);
}

static void
test_encode_vectors(void **state)
{
	uint8_t out[VMCHAN_WIRE_MAX];
	size_t n;

	(void)state;
	n = vmchan_encode_response(0x00, NETFN_APP, 0, 0x01, get_device_id_rs + 3, 12, out, sizeof(out));
	assert_int_equal(n, sizeof(get_device_id_rs));
	assert_memory_equal(out, get_device_id_rs, n);
	n = vmchan_encode_response(
	    0x05, NETFN_APP, 0, 0x2f, (const uint8_t[]){0x00, 0x0f}, 2, out, sizeof(out));
	assert_int_equal(n, sizeof(get_enables_rs));
	assert_memory_equal(out, get_enables_rs, n);
	n = vmchan_encode_msg(0x02, NETFN_APP, 0, 0x2e, (const uint8_t[]){0x0e}, 1, out, sizeof(out));
	assert_int_equal(n, sizeof(set_enables_rq));
	assert_memory_equal(out, set_enables_rq, n);
	n = vmchan_encode_msg(0x00, NETFN_APP, 0, 0x01, NULL, 0, out, sizeof(out));
	assert_memory_equal(out, get_device_id_rq, n);
	n = vmchan_encode_msg(0x0d, NETFN_APP, 0, 0x31, NULL, 0, out, sizeof(out));
	assert_int_equal(n, sizeof(get_flags_rq));
	assert_memory_equal(out, get_flags_rq, n);

	/* A response keeps the request's LUN and seq; the netFn becomes odd. */
	n = vmchan_encode_response(
	    0xa0, NETFN_CHASSIS, 2, 0x01, (const uint8_t[]){0xc1}, 1, out, sizeof(out));
	assert_int_equal(n, 7);
	assert_memory_equal(out, ((const uint8_t[]){0xaa, 0xb0, 0x06, 0x01, 0xc1, 0x98, 0xa0}), 7);

	/* Control commands: one byte (escaped like anything else), no checksum. */
	n = vmchan_encode_version(out, sizeof(out));
	assert_int_equal(n, 3);
	assert_memory_equal(out, ((const uint8_t[]){0xff, 0x01, 0xa1}), 3);
	n = vmchan_encode_caps(0x3f, out, sizeof(out));
	assert_memory_equal(out, handshake + 3, 3);
	assert_int_equal(vmchan_encode_control(VMCHAN_CTL_RESET, NULL, 0, out, sizeof(out)), 2);
	assert_memory_equal(out, ((const uint8_t[]){0x04, 0xa1}), 2);
	for (unsigned c = VMCHAN_CTL_CLEAR_ATN; c <= VMCHAN_CTL_ENABLE_IFACE; c++) {
		assert_int_equal(vmchan_encode_control((uint8_t)c, NULL, 0, out, sizeof(out)), 2);
		assert_int_equal(out[0], c);
		assert_int_equal(out[1], 0xa1);
	}
	n = vmchan_encode_control(0x42, (const uint8_t[]){0xaa}, 1, out, sizeof(out));
	assert_memory_equal(out, ((const uint8_t[]){0x42, 0xaa, 0xba, 0xa1}), n);

	/* What each command needs from QEMU's capabilities. */
	assert_int_equal(vmchan_ctl_cap(VMCHAN_CTL_POWER_OFF), VMCHAN_CAP_POWER);
	assert_int_equal(vmchan_ctl_cap(VMCHAN_CTL_RESET), VMCHAN_CAP_RESET);
	assert_int_equal(vmchan_ctl_cap(VMCHAN_CTL_NMI), VMCHAN_CAP_NMI);
	assert_int_equal(vmchan_ctl_cap(VMCHAN_CTL_GRACEFUL_SHUTDOWN), VMCHAN_CAP_GRACEFUL);
	assert_int_equal(vmchan_ctl_cap(VMCHAN_CTL_SET_ATN_IRQ), VMCHAN_CAP_ATN);
	assert_int_equal(vmchan_ctl_cap(VMCHAN_CTL_ENABLE_IRQ), VMCHAN_CAP_IRQ);
	assert_int_equal(vmchan_ctl_cap(VMCHAN_CTL_VERSION), 0);
}

static void
test_encode_limits(void **state)
{
	uint8_t data[VMCHAN_RSP_MAX + 1], out[VMCHAN_WIRE_MAX];
	size_t n, k;

	(void)state;
	/* Worst case: every byte escaped, the checksum too; VMCHAN_WIRE_MAX holds it. */
	memset(data, 0xaa, sizeof(data));
	n = vmchan_encode_response(0xaa, NETFN_APP, 0, 0xaa, data, VMCHAN_RSP_MAX, out, sizeof(out));
	assert_true(n > 0 && n <= VMCHAN_WIRE_MAX);
	/* Every smaller buffer fails cleanly. */
	for (k = 0; k < n; k++)
		assert_int_equal(
		    vmchan_encode_response(0xaa, NETFN_APP, 0, 0xaa, data, VMCHAN_RSP_MAX, out, k), 0);
	assert_int_equal(
	    vmchan_encode_response(0, NETFN_APP, 0, 1, data, VMCHAN_RSP_MAX + 1, out, sizeof(out)), 0);
	assert_int_equal(vmchan_encode_response(0, NETFN_APP, 0, 1, data, 0, out, sizeof(out)), 0);
	assert_int_equal(vmchan_encode_msg(0, 0x40, 0, 1, NULL, 0, out, sizeof(out)), 0);
	assert_int_equal(vmchan_encode_msg(0, NETFN_APP, 4, 1, NULL, 0, out, sizeof(out)), 0);
	assert_int_equal(vmchan_encode_control(1, NULL, 0, out, 1), 0);
	assert_int_equal(vmchan_encode_control(1, NULL, 0, NULL, 8), 0);
}

/* Encode then decode, with a little generator so every byte value appears, specials included. */
static void
test_round_trip(void **state)
{
	uint32_t x = 0x2545f491u;
	uint8_t data[VMCHAN_RSP_MAX], wire[VMCHAN_WIRE_MAX];
	int iter;

	(void)state;
	for (iter = 0; iter < 2000; iter++) {
		struct vmchan v;
		struct seen s = {0};
		size_t len, n, i, cut;
		uint8_t seq, netfn, lun, cmd, kind;

#define NEXT() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
		kind = (uint8_t)(NEXT() % 3);
		seq = (uint8_t)NEXT();
		netfn = (uint8_t)(NEXT() & 0x3e);
		lun = (uint8_t)(NEXT() & 3);
		cmd = (uint8_t)NEXT();
		len = NEXT() % (iter % 10 == 0 ? VMCHAN_RSP_MAX : 24) + 1;
		for (i = 0; i < len; i++)
			data[i] = (uint8_t)(NEXT() % 4 == 0 ? 0xa0 + NEXT() % 11 : NEXT());
		if (kind == 0)
			n = vmchan_encode_msg(seq, netfn, lun, cmd, data, len, wire, sizeof(wire));
		else if (kind == 1)
			n = vmchan_encode_response(seq, netfn, lun, cmd, data, len, wire, sizeof(wire));
		else
			n = vmchan_encode_control((uint8_t)(cmd == 0xff || cmd == 0x08 ? 0x42 : cmd), data,
			    len, wire, sizeof(wire));
		assert_true(n > 0);
		/* Only the last byte is an end byte: the payload never contains one. */
		for (i = 0; i + 1 < n; i++)
			assert_true(wire[i] != 0xa0 && wire[i] != 0xa1);
		vmchan_init(&v);
		cut = NEXT() % n;
		feed(&v, &s, wire, cut);
		feed(&v, &s, wire + cut, n - cut);
		assert_int_equal(s.n, 1);
		if (kind == 2) {
			assert_int_equal(s.ev[0].kind, cmd == 0x04 ? VMCHAN_EV_RESET : VMCHAN_EV_CONTROL);
			assert_int_equal(s.ev[0].nargs, len);
			assert_memory_equal(s.data[0], data, len);
			continue;
		}
		expect_msg(&s, 0, seq, kind == 1 ? (uint8_t)(netfn | 1) : netfn, lun, cmd, data, len);
	}
#undef NEXT
}

/* ---- the system interface ---- */

static size_t
sysif(struct harness *h, int want_rc, uint8_t netfn, uint8_t lun, uint8_t cmd, const uint8_t *data,
    size_t len, uint8_t *rsp, size_t cap)
{
	size_t n = 99;

	bmc_out_reset(&h->out);
	assert_int_equal(
	    bmc_handle_sysif(h->bmc, &h->now, netfn, lun, cmd, data, len, rsp, cap, &n, &h->out), want_rc);
	return n;
}

#define SYSIF(h, rc, netfn, cmd, ...)                                                                        \
	sysif(h, rc, netfn, 0, cmd, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}),  \
	    rsp, sizeof(rsp))

static void
test_sysif_commands(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[300];
	size_t n;

	(void)state;
	/* Get Device ID and Get Chassis Status, no session, channel 0Fh. */
	n = sysif(h, BMC_OK, NETFN_APP, 0, 0x01, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 16);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(rsp[1], 0x20);
	n = sysif(h, BMC_OK, NETFN_CHASSIS, 0, 0x01, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 4);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(rsp[3] & 0x40, 0x40);

	/* Administrator: chassis control gets through, its effect goes to out. */
	h->bmc->chassis.power_on = false;
	n = SYSIF(h, BMC_OK, NETFN_CHASSIS, 0x02, 0x01);
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_OK);
	assert_true(h_fx_find(h, FX_POWER, POWER_ACTION_ON) >= 0);
	/* A persistent change must be committed before the reply. */
	n = SYSIF(h, BMC_SYSIF_DURABLE, NETFN_APP, 0x45, 0x05, 'h', 'o', 's', 't', 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0);
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_OK);
	assert_true(h_fx_find(h, FX_SAVE_USER, 5) >= 0);
	/* The ordinary checks still apply. */
	n = SYSIF(h, BMC_OK, NETFN_APP, 0x01, 0x00);
	assert_int_equal(rsp[0], CC_REQ_LEN);
	n = sysif(h, BMC_OK, NETFN_APP, 0, 0xee, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_INVALID_CMD);

	/* Session commands: none on a session-less channel. */
	n = SYSIF(h, BMC_OK, NETFN_APP, 0x3b, 0x04);
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_NOT_SUPPORTED_NOW);
	n = SYSIF(h, BMC_OK, NETFN_APP, 0x3c, 0x01, 0x02, 0x03, 0x04);
	assert_int_equal(rsp[0], CC_NOT_SUPPORTED_NOW);
	n = SYSIF(h, BMC_OK, NETFN_APP, 0x48, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00);
	assert_int_equal(rsp[0], CC_NOT_SUPPORTED_NOW);
	n = SYSIF(h, BMC_OK, NETFN_APP, 0x39, 0x02, 'a', 'd', 'm', 'i', 'n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(rsp[0], CC_INVALID_CMD);
	assert_int_equal(session_count(h->bmc, SESS_OPEN), 0);
	n = sysif(h, BMC_OK, NETFN_APP, 0, 0x3a, (const uint8_t[22]){2, 4}, 22, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_CMD);
	/* Get Session Info about "this session": the short form, there is none. */
	n = SYSIF(h, BMC_OK, NETFN_APP, 0x3d, 0x00);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 4);
	assert_int_equal(rsp[1], 0);

	/* A response netFn, a LUN with no commands: still exactly one answer. */
	n = sysif(h, BMC_OK, NETFN_APP | 1, 0, 0x01, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_INVALID_CMD);
	n = sysif(h, BMC_OK, NETFN_APP, 2, 0x01, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_INVALID_LUN);

	/* A reply buffer too small for the data: FFh, our bug, never an overflow. */
	n = sysif(h, BMC_OK, NETFN_APP, 0, 0x01, NULL, 0, rsp, 4);
	assert_int_equal(n, 1);
	assert_int_equal(rsp[0], CC_UNSPECIFIED);
	/* Bad arguments. */
	n = sysif(h, BMC_ERR_INVALID, NETFN_APP, 0, 0x01, NULL, 0, rsp, 0);
	assert_int_equal(n, 0);
	n = sysif(h, BMC_ERR_INVALID, 0x40, 0, 0x01, NULL, 0, rsp, sizeof(rsp));
	n = sysif(h, BMC_ERR_INVALID, NETFN_APP, 4, 0x01, NULL, 0, rsp, sizeof(rsp));
	n = sysif(h, BMC_ERR_INVALID, NETFN_APP, 0, 0x01, NULL, 3, rsp, sizeof(rsp));
	(void)n;
	h_free(h);
}

struct pipe_ctx {
	struct harness *h;
	uint8_t wire[4 * VMCHAN_WIRE_MAX];
	size_t wlen;
};

/* What the edge does: each request through the system interface, each answer framed. */
static void
serve(void *arg, const struct vmchan_event *ev)
{
	struct pipe_ctx *p = arg;
	uint8_t rsp[VMCHAN_RSP_MAX];
	size_t n = 0, w;

	if (ev->kind != VMCHAN_EV_MSG)
		return;
	bmc_out_reset(&p->h->out);
	assert_true(bmc_handle_sysif(p->h->bmc, &p->h->now, ev->netfn, ev->lun, ev->cmd, ev->data, ev->len,
	                rsp, sizeof(rsp), &n, &p->h->out) >= 0);
	w = vmchan_encode_response(
	    ev->seq, ev->netfn, ev->lun, ev->cmd, rsp, n, p->wire + p->wlen, sizeof(p->wire) - p->wlen);
	assert_true(w > 0);
	p->wlen += w;
}

static void
test_sysif_over_the_wire(void **state)
{
	struct pipe_ctx p = {0};
	struct vmchan in, back;
	struct seen s = {0};

	(void)state;
	p.h = h_new(NULL);
	vmchan_init(&in);
	vmchan_init(&back);
	vmchan_feed(&in, handshake, sizeof(handshake), serve, &p);
	vmchan_feed(&in, get_device_id_rq, sizeof(get_device_id_rq), serve, &p);
	vmchan_feed(
	    &in, (const uint8_t[]){0x09, 0x00, 0x01, 0xf6, 0xa0}, 5, serve, &p); /* Get Chassis Status */
	vmchan_feed(&in, read_evt_rq, sizeof(read_evt_rq), serve, &p);
	feed(&back, &s, p.wire, p.wlen);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[0].seq, 0x00);
	assert_int_equal(s.ev[0].netfn, NETFN_APP | 1);
	assert_int_equal(s.ev[0].cmd, 0x01);
	assert_int_equal(s.ev[0].len, 16);
	assert_int_equal(s.data[0][0], CC_OK);
	assert_int_equal(s.ev[1].seq, 0x09);
	assert_int_equal(s.ev[1].netfn, NETFN_CHASSIS | 1);
	assert_int_equal(s.ev[1].len, 4);
	assert_int_equal(s.data[1][0], CC_OK);
	/* Read Event Message Buffer: the buffer is always empty (80h), answered with seq 12h. */
	assert_int_equal(s.ev[2].seq, 0x12);
	assert_int_equal(s.ev[2].cmd, 0x35);
	assert_int_equal(s.ev[2].len, 1);
	assert_int_equal(s.data[2][0], 0x80);
	h_free(p.h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode_vectors),
	    cmocka_unit_test(test_decode_control),
	    cmocka_unit_test(test_truncated_prefixes),
	    cmocka_unit_test(test_byte_at_a_time),
	    cmocka_unit_test(test_bad_checksum),
	    cmocka_unit_test(test_bad_escape),
	    cmocka_unit_test(test_overlong),
	    cmocka_unit_test(test_garbage_between_frames),
	    cmocka_unit_test(test_encode_vectors),
	    cmocka_unit_test(test_encode_limits),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_sysif_commands),
	    cmocka_unit_test(test_sysif_over_the_wire),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
