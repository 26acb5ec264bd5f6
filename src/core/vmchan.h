/*
 * The byte protocol of QEMU's ipmi-bmc-extern device (the "VM" protocol of
 * OpenIPMI's ipmi_sim), as a pure decoder and encoder: no socket, no clock.
 * The edge feeds whatever the chardev socket delivered, in any split, and
 * writes what the encoders produce.  See docs and vmchan.c for the rules.
 *
 * Frames end with VMCHAN_MSG_END (an IPMI message: seq, netFn/LUN, cmd,
 * data, checksum over all of them) or VMCHAN_CTL_END (a control command:
 * one command byte and its arguments, no checksum).  The three special bytes
 * inside a frame travel as VMCHAN_ESCAPE followed by the byte with bit 4 set.
 */
#ifndef GHOSTBMC_VMCHAN_H
#define GHOSTBMC_VMCHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMCHAN_MSG_END 0xa0
#define VMCHAN_CTL_END 0xa1
#define VMCHAN_ESCAPE 0xaa

#define VMCHAN_VERSION 1

/* Longest frame, unescaped and without its end byte: QEMU's 300-byte message plus seq and checksum. */
#define VMCHAN_FRAME_MAX 302
/* Longest response data (completion code included) that fits a frame: seq, netFn, cmd, checksum around it. */
#define VMCHAN_RSP_MAX (VMCHAN_FRAME_MAX - 4)
/* Longest request data a decoded message can carry. */
#define VMCHAN_RQ_DATA_MAX (VMCHAN_FRAME_MAX - 4)
/* Room an encoder may need: every byte escaped, plus the end byte. */
#define VMCHAN_WIRE_MAX (2 * VMCHAN_FRAME_MAX + 1)

/* Control command bytes.  Direction: B = BMC to QEMU, Q = QEMU to BMC. */
enum vmchan_ctl {
	VMCHAN_CTL_CLEAR_ATN = 0x00, /* B: clear SMS_ATN */
	VMCHAN_CTL_SET_ATN = 0x01, /* B: set SMS_ATN, no interrupt */
	VMCHAN_CTL_SET_ATN_IRQ = 0x02, /* B: set SMS_ATN and interrupt (if IRQs enabled) */
	VMCHAN_CTL_POWER_OFF = 0x03, /* B: hard power off (QEMU exits) */
	VMCHAN_CTL_RESET = 0x04, /* B: hard reset; Q: "the machine was reset" */
	VMCHAN_CTL_ENABLE_IRQ = 0x05, /* B: let the interface raise its IRQ */
	VMCHAN_CTL_DISABLE_IRQ = 0x06, /* B */
	VMCHAN_CTL_NMI = 0x07, /* B: NMI / diagnostic interrupt */
	VMCHAN_CTL_CAPABILITIES = 0x08, /* Q: one argument byte, VMCHAN_CAP_* */
	VMCHAN_CTL_GRACEFUL_SHUTDOWN = 0x09, /* B: ACPI power button (soft off) */
	VMCHAN_CTL_DISABLE_IFACE = 0x0a, /* B: newer OpenIPMI only; QEMU ignores it */
	VMCHAN_CTL_ENABLE_IFACE = 0x0b, /* B: likewise */
	VMCHAN_CTL_VERSION = 0xff, /* both: one argument byte, VMCHAN_VERSION */
};

/* Capability bits QEMU announces (VMCHAN_CTL_CAPABILITIES). */
enum {
	VMCHAN_CAP_POWER = 0x01, /* may send POWER_OFF */
	VMCHAN_CAP_RESET = 0x02, /* RESET */
	VMCHAN_CAP_IRQ = 0x04, /* ENABLE_IRQ, DISABLE_IRQ */
	VMCHAN_CAP_NMI = 0x08, /* NMI */
	VMCHAN_CAP_ATN = 0x10, /* CLEAR_ATN, SET_ATN, SET_ATN_IRQ */
	VMCHAN_CAP_GRACEFUL = 0x20, /* GRACEFUL_SHUTDOWN */
	VMCHAN_CAP_IFACE = 0x40, /* DISABLE_IFACE, ENABLE_IFACE */
};

/* The capability bit a BMC-to-QEMU command needs (0: none, e.g. VERSION). */
uint8_t vmchan_ctl_cap(uint8_t ctl);

enum vmchan_ev_kind {
	VMCHAN_EV_MSG, /* an IPMI message (from QEMU: a request to answer exactly once) */
	VMCHAN_EV_VERSION, /* the peer's protocol version: value */
	VMCHAN_EV_CAPS, /* the peer's capabilities: value (VMCHAN_CAP_*) */
	VMCHAN_EV_RESET, /* the peer says the machine was reset (QEMU 7.2 never sends it) */
	VMCHAN_EV_CONTROL, /* any other control command: ctl, args (to log and ignore) */
	VMCHAN_EV_ERROR, /* a frame was dropped: error says why */
};

enum vmchan_error {
	VMCHAN_ERR_NONE = 0,
	VMCHAN_ERR_SHORT, /* a message under 4 bytes, or an empty control frame */
	VMCHAN_ERR_CHECKSUM, /* a message whose bytes do not sum to zero */
	VMCHAN_ERR_OVERLONG, /* more than VMCHAN_FRAME_MAX bytes: discarded up to its end */
	VMCHAN_ERR_ESCAPE, /* an escape right before the end byte, or two escapes in a row */
	VMCHAN_ERR_CONTROL, /* VERSION or CAPABILITIES without their argument */
};

struct vmchan_event {
	enum vmchan_ev_kind kind;
	/* VMCHAN_EV_MSG; data points into the decoder, valid during the callback only */
	uint8_t seq, netfn, lun, cmd;
	const uint8_t *data;
	size_t len;
	/* control events: the command byte, its first argument (0 if none), all arguments */
	uint8_t ctl, value;
	const uint8_t *args;
	size_t nargs;
	/* VMCHAN_EV_ERROR */
	enum vmchan_error error;
};

struct vmchan_stats {
	uint64_t msgs, controls; /* frames delivered */
	uint64_t short_frames, bad_checksum, overlong, bad_escape, bad_control;
	uint64_t dropped; /* the sum of the five above */
};

/* Decoder state: one partial frame.  Zero it (or vmchan_init) before use; no heap, no teardown. */
struct vmchan {
	uint8_t buf[VMCHAN_FRAME_MAX];
	size_t len;
	bool escape; /* the previous byte was VMCHAN_ESCAPE */
	bool bad_escape; /* this frame had an escape error: drop it at its end */
	bool overflow; /* this frame outgrew buf: drop it at its end */
	struct vmchan_stats stats;
};

typedef void vmchan_cb(void *arg, const struct vmchan_event *ev);

void vmchan_init(struct vmchan *v);
/* Forget a partial frame (the connection closed); keeps the counters. */
void vmchan_reset(struct vmchan *v);

/*
 * Consume n bytes from the stream; call cb once per complete frame, in order,
 * with a decoded event or a VMCHAN_EV_ERROR (already counted in v->stats).
 * cb may be NULL (count only).  It must not call vmchan_feed on the same v.
 */
void vmchan_feed(struct vmchan *v, const uint8_t *bytes, size_t n, vmchan_cb *cb, void *arg);

/*
 * Encoders: write one complete, escaped frame into out (cap bytes) and return
 * its length, or 0 when the arguments are invalid or it does not fit
 * (VMCHAN_WIRE_MAX always fits).
 *
 * vmchan_encode_response: the answer to a request with seq, netfn (the
 * request's, even), lun and cmd; rsp is the completion code and data
 * (rsplen 1..VMCHAN_RSP_MAX), as bmc_handle_sysif() produces them.  The
 * frame carries netFn | 1 and the request's LUN.
 */
size_t vmchan_encode_response(uint8_t seq, uint8_t netfn, uint8_t lun, uint8_t cmd, const uint8_t *rsp,
    size_t rsplen, uint8_t *out, size_t cap);
/* Any IPMI message frame (netfn as given, not OR-ed): what QEMU sends; for tests and tools. */
size_t vmchan_encode_msg(uint8_t seq, uint8_t netfn, uint8_t lun, uint8_t cmd, const uint8_t *data,
    size_t len, uint8_t *out, size_t cap);
/* A control command with nargs argument bytes (nargs <= VMCHAN_FRAME_MAX - 1). */
size_t vmchan_encode_control(uint8_t ctl, const uint8_t *args, size_t nargs, uint8_t *out, size_t cap);
/* Shorthands: our version announcement (FF 01 A1), and QEMU's capabilities announcement. */
size_t vmchan_encode_version(uint8_t *out, size_t cap);
size_t vmchan_encode_caps(uint8_t caps, uint8_t *out, size_t cap);

const char *vmchan_strerror(enum vmchan_error e);

#endif
