/*
 * Fuzz target (e): the byte stream QEMU's ipmi-bmc-extern device writes to
 * the BMC.  Any input goes through the decoder (split in two at a point the
 * input chooses, as a socket might split it); every decoded request is
 * served by bmc_handle_sysif() on one instance that lives across inputs;
 * every answer is framed, then decoded again and checked against what went
 * in.  Control commands are re-encoded and checked the same way.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bmc.h"
#include "core/sysif.h"
#include "core/vmchan.h"

#include "fuzz_rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct bmc *bmc;
	struct bmc_time *now;
	struct bmc_out out;
};

/* The single event a frame must decode to. */
struct expect {
	struct vmchan_event ev;
	uint8_t data[VMCHAN_FRAME_MAX];
	size_t len;
	unsigned n;
};

static void
grab(void *arg, const struct vmchan_event *ev)
{
	struct expect *e = arg;
	const uint8_t *p = ev->kind == VMCHAN_EV_MSG ? ev->data : ev->args;
	size_t len = ev->kind == VMCHAN_EV_MSG ? ev->len : ev->nargs;

	if (len > VMCHAN_FRAME_MAX)
		abort();
	e->n++;
	e->ev = *ev;
	e->len = len;
	if (len > 0)
		memcpy(e->data, p, len);
}

/* Decode one encoded frame; it must give exactly one event of this kind and these bytes. */
static void
check_frame(const uint8_t *wire, size_t n, enum vmchan_ev_kind kind, const uint8_t *p, size_t len)
{
	struct vmchan v;
	struct expect e = {0};

	if (n == 0 || n > VMCHAN_WIRE_MAX)
		abort();
	vmchan_init(&v);
	vmchan_feed(&v, wire, n, grab, &e);
	if (e.n != 1 || e.ev.kind != kind || e.len != len || (len > 0 && memcmp(e.data, p, len) != 0) ||
	    v.len != 0)
		abort();
}

static void
on_event(void *arg, const struct vmchan_event *ev)
{
	struct ctx *c = arg;
	uint8_t rsp[VMCHAN_RSP_MAX], wire[VMCHAN_WIRE_MAX];
	size_t n = 0, w, i;
	int rc;

	switch (ev->kind) {
	case VMCHAN_EV_MSG:
		if (ev->len > VMCHAN_RQ_DATA_MAX || ev->netfn > 0x3f || ev->lun > 3)
			abort();
		bmc_out_reset(&c->out);
		rc = bmc_handle_sysif(c->bmc, c->now, ev->netfn, ev->lun, ev->cmd, ev->data, ev->len, rsp,
		    sizeof(rsp), &n, &c->out);
		/* Every request is answered exactly once, with at least a completion code. */
		if (rc < 0 || n < 1 || n > sizeof(rsp) || c->out.nfx > BMC_FX_MAX)
			abort();
		w = vmchan_encode_response(ev->seq, ev->netfn, ev->lun, ev->cmd, rsp, n, wire, sizeof(wire));
		{
			struct vmchan v;
			struct expect e = {0};
			vmchan_init(&v);
			vmchan_feed(&v, wire, w, grab, &e);
			if (w == 0 || e.n != 1 || e.ev.kind != VMCHAN_EV_MSG || e.ev.seq != ev->seq ||
			    e.ev.netfn != (ev->netfn | 1) || e.ev.lun != ev->lun || e.ev.cmd != ev->cmd ||
			    e.len != n || memcmp(e.data, rsp, n) != 0)
				abort();
		}
		/* A Cold/Warm Reset effect: do what the edge does. */
		for (i = 0; i < c->out.nfx; i++)
			if (c->out.fx[i].kind == FX_RESET_BMC)
				bmc_reset_sessions(c->bmc);
		/* And the request itself re-encodes to a frame that decodes back the same. */
		w = vmchan_encode_msg(
		    ev->seq, ev->netfn, ev->lun, ev->cmd, ev->data, ev->len, wire, sizeof(wire));
		check_frame(wire, w, VMCHAN_EV_MSG, ev->data, ev->len);
		break;
	case VMCHAN_EV_VERSION:
	case VMCHAN_EV_CAPS:
	case VMCHAN_EV_RESET:
	case VMCHAN_EV_CONTROL:
		if (ev->nargs > VMCHAN_FRAME_MAX - 1)
			abort();
		w = vmchan_encode_control(ev->ctl, ev->args, ev->nargs, wire, sizeof(wire));
		check_frame(wire, w, ev->kind, ev->args, ev->nargs);
		(void)vmchan_ctl_cap(ev->ctl);
		break;
	case VMCHAN_EV_ERROR:
		if (vmchan_strerror(ev->error) == NULL)
			abort();
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bmc *bmc;
	static struct bmc_time now = {1000, 1700000000};
	static struct ctx c;
	struct vmchan v;
	size_t cut;
	uint64_t before;

	if (bmc == NULL) {
		struct bmc_env env = {fuzz_rand, NULL, NULL};
		struct bmc_conf conf;
		bmc_conf_defaults(&conf);
		bmc = bmc_new(&env, &conf);
		if (bmc == NULL)
			abort();
		c.bmc = bmc;
		c.now = &now;
	}
	vmchan_init(&v);
	cut = size > 0 ? data[0] % (size + 1) : 0;
	vmchan_feed(&v, data, cut, on_event, &c);
	vmchan_feed(&v, data + cut, size - cut, on_event, &c);
	before = v.stats.msgs + v.stats.controls + v.stats.dropped;
	if (v.len > VMCHAN_FRAME_MAX ||
	    v.stats.dropped !=
	        v.stats.short_frames + v.stats.bad_checksum + v.stats.overlong + v.stats.bad_escape +
	            v.stats.bad_control)
		abort();
	/* Whatever is left is one more frame at most. */
	vmchan_feed(&v, (const uint8_t[]){VMCHAN_MSG_END}, 1, on_event, &c);
	if (v.stats.msgs + v.stats.controls + v.stats.dropped != before + 1)
		abort();
	now.mono_ms += 100;
	bmc_out_reset(&c.out);
	bmc_tick(bmc, &now, &c.out);
	return 0;
}
