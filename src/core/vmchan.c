/*
 * QEMU ipmi-bmc-extern framing: a pure byte-stream parser and the frame
 * builders.  No start marker and no length field exist, so a frame is every
 * byte since the previous end byte; garbage therefore spoils only the frame
 * it lands in, which the checksum (messages) or the command byte (controls)
 * then rejects.  Every input byte is consumed in O(1) with a fixed buffer.
 */
#include <string.h>

#include "core/vmchan.h"

#define MSG_MIN 4 /* seq, netFn/LUN, cmd, checksum */

void
vmchan_init(struct vmchan *v)
{
	memset(v, 0, sizeof(*v));
}

void
vmchan_reset(struct vmchan *v)
{
	v->len = 0;
	v->escape = false;
	v->bad_escape = false;
	v->overflow = false;
}

uint8_t
vmchan_ctl_cap(uint8_t ctl)
{
	switch (ctl) {
	case VMCHAN_CTL_CLEAR_ATN:
	case VMCHAN_CTL_SET_ATN:
	case VMCHAN_CTL_SET_ATN_IRQ:
		return VMCHAN_CAP_ATN;
	case VMCHAN_CTL_POWER_OFF:
		return VMCHAN_CAP_POWER;
	case VMCHAN_CTL_RESET:
		return VMCHAN_CAP_RESET;
	case VMCHAN_CTL_ENABLE_IRQ:
	case VMCHAN_CTL_DISABLE_IRQ:
		return VMCHAN_CAP_IRQ;
	case VMCHAN_CTL_NMI:
		return VMCHAN_CAP_NMI;
	case VMCHAN_CTL_GRACEFUL_SHUTDOWN:
		return VMCHAN_CAP_GRACEFUL;
	case VMCHAN_CTL_DISABLE_IFACE:
	case VMCHAN_CTL_ENABLE_IFACE:
		return VMCHAN_CAP_IFACE;
	default:
		return 0;
	}
}

const char *
vmchan_strerror(enum vmchan_error e)
{
	switch (e) {
	case VMCHAN_ERR_NONE:
		return "no error";
	case VMCHAN_ERR_SHORT:
		return "frame too short";
	case VMCHAN_ERR_CHECKSUM:
		return "bad checksum";
	case VMCHAN_ERR_OVERLONG:
		return "frame too long";
	case VMCHAN_ERR_ESCAPE:
		return "bad escape";
	case VMCHAN_ERR_CONTROL:
		return "control command without its argument";
	}
	return "unknown error";
}

static void
emit_error(struct vmchan *v, enum vmchan_error e, vmchan_cb *cb, void *arg)
{
	struct vmchan_event ev;

	switch (e) {
	case VMCHAN_ERR_SHORT:
		v->stats.short_frames++;
		break;
	case VMCHAN_ERR_CHECKSUM:
		v->stats.bad_checksum++;
		break;
	case VMCHAN_ERR_OVERLONG:
		v->stats.overlong++;
		break;
	case VMCHAN_ERR_ESCAPE:
		v->stats.bad_escape++;
		break;
	case VMCHAN_ERR_CONTROL:
	case VMCHAN_ERR_NONE:
		v->stats.bad_control++;
		break;
	}
	v->stats.dropped++;
	if (cb == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = VMCHAN_EV_ERROR;
	ev.error = e;
	cb(arg, &ev);
}

static void
end_msg(struct vmchan *v, vmchan_cb *cb, void *arg)
{
	struct vmchan_event ev;
	uint8_t sum = 0;
	size_t i;

	if (v->len < MSG_MIN) {
		emit_error(v, VMCHAN_ERR_SHORT, cb, arg);
		return;
	}
	for (i = 0; i < v->len; i++)
		sum = (uint8_t)(sum + v->buf[i]);
	if (sum != 0) {
		emit_error(v, VMCHAN_ERR_CHECKSUM, cb, arg);
		return;
	}
	v->stats.msgs++;
	if (cb == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = VMCHAN_EV_MSG;
	ev.seq = v->buf[0];
	ev.netfn = v->buf[1] >> 2;
	ev.lun = v->buf[1] & 3;
	ev.cmd = v->buf[2];
	ev.data = v->buf + 3;
	ev.len = v->len - MSG_MIN;
	cb(arg, &ev);
}

static void
end_ctl(struct vmchan *v, vmchan_cb *cb, void *arg)
{
	struct vmchan_event ev;

	if (v->len < 1) {
		emit_error(v, VMCHAN_ERR_SHORT, cb, arg);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.ctl = v->buf[0];
	ev.args = v->buf + 1;
	ev.nargs = v->len - 1;
	ev.value = ev.nargs > 0 ? ev.args[0] : 0;
	switch (ev.ctl) {
	case VMCHAN_CTL_VERSION:
	case VMCHAN_CTL_CAPABILITIES:
		if (ev.nargs < 1) {
			emit_error(v, VMCHAN_ERR_CONTROL, cb, arg);
			return;
		}
		ev.kind = ev.ctl == VMCHAN_CTL_VERSION ? VMCHAN_EV_VERSION : VMCHAN_EV_CAPS;
		break;
	case VMCHAN_CTL_RESET:
		ev.kind = VMCHAN_EV_RESET;
		break;
	default:
		ev.kind = VMCHAN_EV_CONTROL;
		break;
	}
	v->stats.controls++;
	if (cb != NULL)
		cb(arg, &ev);
}

static void
end_frame(struct vmchan *v, uint8_t end, vmchan_cb *cb, void *arg)
{
	/* An escape must be followed by an ordinary byte: never by the end itself. */
	if (v->escape || v->bad_escape)
		emit_error(v, VMCHAN_ERR_ESCAPE, cb, arg);
	else if (v->overflow)
		emit_error(v, VMCHAN_ERR_OVERLONG, cb, arg);
	else if (end == VMCHAN_MSG_END)
		end_msg(v, cb, arg);
	else
		end_ctl(v, cb, arg);
	vmchan_reset(v);
}

void
vmchan_feed(struct vmchan *v, const uint8_t *bytes, size_t n, vmchan_cb *cb, void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = bytes[i];

		switch (c) {
		case VMCHAN_MSG_END:
		case VMCHAN_CTL_END:
			end_frame(v, c, cb, arg);
			continue;
		case VMCHAN_ESCAPE:
			if (v->escape)
				v->bad_escape = true;
			v->escape = true;
			continue;
		default:
			break;
		}
		if (v->escape) {
			c &= (uint8_t)~0x10;
			v->escape = false;
		}
		if (v->len >= sizeof(v->buf)) {
			v->overflow = true;
			continue;
		}
		v->buf[v->len++] = c;
	}
}

/* ---- encoders ---- */

struct frame_out {
	uint8_t *p;
	size_t len, cap;
	bool err;
	uint8_t sum;
};

static void
put_escaped(struct frame_out *f, uint8_t c)
{
	bool special = c == VMCHAN_MSG_END || c == VMCHAN_CTL_END || c == VMCHAN_ESCAPE;
	size_t need = special ? 2 : 1;

	f->sum = (uint8_t)(f->sum + c);
	if (f->err || f->cap - f->len < need) {
		f->err = true;
		return;
	}
	if (special) {
		f->p[f->len++] = VMCHAN_ESCAPE;
		c |= 0x10;
	}
	f->p[f->len++] = c;
}

static void
put_escaped_bytes(struct frame_out *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put_escaped(f, p[i]);
}

static size_t
finish(struct frame_out *f, uint8_t end)
{
	if (f->err || f->len >= f->cap)
		return 0;
	f->p[f->len++] = end;
	return f->len;
}

static size_t
encode_msg(uint8_t seq, uint8_t netfn, uint8_t lun, uint8_t cmd, const uint8_t *data, size_t len,
    uint8_t *out, size_t cap)
{
	struct frame_out f = {out, 0, cap, false, 0};

	if (out == NULL || netfn > 0x3f || lun > 3 || len > VMCHAN_FRAME_MAX - MSG_MIN ||
	    (len > 0 && data == NULL))
		return 0;
	put_escaped(&f, seq);
	put_escaped(&f, (uint8_t)(netfn << 2 | lun));
	put_escaped(&f, cmd);
	put_escaped_bytes(&f, data, len);
	put_escaped(&f, (uint8_t)-f.sum);
	return finish(&f, VMCHAN_MSG_END);
}

size_t
vmchan_encode_msg(uint8_t seq, uint8_t netfn, uint8_t lun, uint8_t cmd, const uint8_t *data, size_t len,
    uint8_t *out, size_t cap)
{
	return encode_msg(seq, netfn, lun, cmd, data, len, out, cap);
}

size_t
vmchan_encode_response(uint8_t seq, uint8_t netfn, uint8_t lun, uint8_t cmd, const uint8_t *rsp,
    size_t rsplen, uint8_t *out, size_t cap)
{
	if (rsplen < 1 || rsplen > VMCHAN_RSP_MAX)
		return 0;
	return encode_msg(seq, (uint8_t)(netfn | 1), lun, cmd, rsp, rsplen, out, cap);
}

size_t
vmchan_encode_control(uint8_t ctl, const uint8_t *args, size_t nargs, uint8_t *out, size_t cap)
{
	struct frame_out f = {out, 0, cap, false, 0};

	if (out == NULL || nargs > VMCHAN_FRAME_MAX - 1 || (nargs > 0 && args == NULL))
		return 0;
	put_escaped(&f, ctl);
	put_escaped_bytes(&f, args, nargs);
	return finish(&f, VMCHAN_CTL_END);
}

size_t
vmchan_encode_version(uint8_t *out, size_t cap)
{
	const uint8_t v = VMCHAN_VERSION;

	return vmchan_encode_control(VMCHAN_CTL_VERSION, &v, 1, out, cap);
}

size_t
vmchan_encode_caps(uint8_t caps, uint8_t *out, size_t cap)
{
	return vmchan_encode_control(VMCHAN_CTL_CAPABILITIES, &caps, 1, out, cap);
}
