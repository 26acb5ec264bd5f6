/*
 * Serial over LAN (IPMI 2.0 section 15): the one SOL payload instance and
 * its packet protocol both ways.  Activation and the payload commands are
 * in cmd_payload.c, the configuration parameters in cmd_sol.c.
 *
 * Outbound (host console -> client): bmc_console_output() queues bytes in a
 * bounded buffer.  One data packet is in flight at a time.  A packet goes
 * when the send threshold is reached, when the accumulate interval has run
 * since the oldest unsent byte was queued, or at once when the client ACKs
 * the one before (in the reply to that ACK, so throughput follows the
 * client's round trip, not the tick).  A packet nobody ACKs is sent again,
 * same sequence number and same characters, every retry interval, past the
 * retry count too: a lossy link must not lose console output.  An owner
 * that has gone away loses the payload when its session times out.
 *
 * Inbound (client -> host): a packet with a new sequence number has its
 * characters put in out->console_in and is ACKed; the same sequence number
 * again is a retransmission, ACKed with the same count and not delivered
 * twice.
 */
#include <stdio.h>

#include "core/bmc_int.h"

/* Operation/status byte (byte 4), BMC to console. */
#define ST_NACK 0x40
#define ST_UNAVAILABLE 0x20
#define ST_DEACTIVATING 0x10
#define ST_OVERRUN 0x08
/* Console to BMC. */
#define OP_NACK 0x40
#define OP_BREAK 0x10
#define OP_FLUSH_OUTBOUND 0x01

#define MIN_RETRY_MS 10 /* retry interval 0 ("back to back") */

/* ---- parameters ---- */

void
sol_params_defaults(struct sol_params *p)
{
	memset(p, 0, sizeof(*p));
	p->saved.enable = 0x01;
	p->saved.auth = PRIV_USER; /* nothing forced beyond what the session has */
	p->saved.accumulate = 12; /* 60 ms */
	p->saved.threshold = 96;
	p->saved.retry_count = 7;
	p->saved.retry_interval = 50; /* 500 ms */
	p->saved.nv_bit_rate = 0x0a; /* 115200 bps */
	p->v_bit_rate = p->saved.nv_bit_rate;
}

static bool
bit_rate_valid(uint8_t v)
{
	return v == 0x00 || (v >= 0x06 && v <= 0x0a);
}

void
sol_params_sanitize(struct sol_params *p)
{
	uint8_t priv = p->saved.auth & 0x0f;

	p->saved.enable &= 0x01;
	if (priv < PRIV_USER || priv > PRIV_OEM)
		priv = PRIV_USER;
	p->saved.auth = (uint8_t)((p->saved.auth & 0xc0) | priv);
	if (p->saved.accumulate == 0)
		p->saved.accumulate = 1;
	p->saved.retry_count &= 0x07;
	if (!bit_rate_valid(p->saved.nv_bit_rate))
		p->saved.nv_bit_rate = 0x0a;
	/* The volatile bit rate starts from the non-volatile one. */
	p->v_bit_rate = p->saved.nv_bit_rate;
}

bool
sol_user_allowed(const struct bmc *bmc, uint8_t id)
{
	if (id == 0 || id > BMC_MAX_USERS)
		return false;
	return !(bmc->params.sol.payload_denied[id / 8] & (1u << (id % 8)));
}

static uint64_t
accumulate_ms(const struct bmc *bmc)
{
	uint8_t v = bmc->params.sol.saved.accumulate;
	return (uint64_t)(v ? v : 1) * 5;
}

static size_t
send_threshold(const struct bmc *bmc)
{
	size_t v = bmc->params.sol.saved.threshold;
	if (v == 0)
		v = 1;
	return v < SOL_CHARS_MAX ? v : SOL_CHARS_MAX;
}

static uint64_t
retry_ms(const struct bmc *bmc)
{
	uint64_t v = (uint64_t)bmc->params.sol.saved.retry_interval * 10;
	return v < MIN_RETRY_MS ? MIN_RETRY_MS : v;
}

/* ---- the outbound buffer: a ring, oldest byte at head ---- */

static void
ring_copy(const struct sol *sol, uint8_t *dst, size_t n)
{
	size_t first = BMC_SOL_BUFFER - sol->head;

	if (first > n)
		first = n;
	memcpy(dst, sol->buf + sol->head, first);
	memcpy(dst + first, sol->buf, n - first);
}

static void
ring_drop(struct sol *sol, size_t n)
{
	if (n > sol->len)
		n = sol->len;
	sol->head = (sol->head + n) % BMC_SOL_BUFFER;
	sol->len -= n;
	if (sol->len == 0)
		sol->head = 0;
}

static size_t
ring_put(struct sol *sol, const uint8_t *p, size_t n)
{
	size_t room = BMC_SOL_BUFFER - sol->len, tail, first;

	if (n > room)
		n = room;
	tail = (sol->head + sol->len) % BMC_SOL_BUFFER;
	first = BMC_SOL_BUFFER - tail;
	if (first > n)
		first = n;
	memcpy(sol->buf + tail, p, first);
	memcpy(sol->buf, p + first, n - first);
	sol->len += n;
	return n;
}

/* ---- packets ---- */

static struct session *
sol_owner(struct bmc *bmc)
{
	struct session *s;

	if (!bmc->sol.active)
		return NULL;
	s = session_find(bmc, bmc->sol.sid);
	return s != NULL && s->state == SESS_ACTIVE ? s : NULL;
}

/* Seal a SOL payload into out; unsolicited ones (no datagram to answer) name their destination. */
static void
emit(struct bmc *bmc, struct session *s, const uint8_t *pl, size_t n, bool unsolicited, struct bmc_out *out)
{
	out->reply_len = rmcpp_seal(bmc, s, PAYLOAD_SOL, pl, n, out->reply, sizeof(out->reply));
	if (unsolicited && out->reply_len > 0) {
		out->reply_dst = s->peer;
		out->reply_dst_set = true;
		bmc->stats.tx++;
	}
}

static void
send_ack_only(struct bmc *bmc, struct session *s, uint8_t ack, uint8_t accepted, uint8_t status,
    bool unsolicited, struct bmc_out *out)
{
	uint8_t pl[SOL_HDR_LEN] = {0x00, ack, accepted, status};

	emit(bmc, s, pl, sizeof(pl), unsolicited, out);
}

/*
 * A data packet: a new one from the front of the buffer (fresh), or the one
 * in flight again.  ack/accepted piggyback an ACK for the console's packet.
 */
static void
send_data(struct bmc *bmc, struct session *s, uint64_t now_ms, bool fresh, uint8_t ack, uint8_t accepted,
    bool unsolicited, struct bmc_out *out)
{
	struct sol *sol = &bmc->sol;
	uint8_t pl[SOL_PAYLOAD_MAX];

	if (fresh) {
		sol->tx_len = sol->len < SOL_CHARS_MAX ? sol->len : SOL_CHARS_MAX;
		sol->tx_seq = sol->next_seq;
		sol->next_seq = (uint8_t)(sol->next_seq % 15 + 1);
		sol->tx_status = sol->overrun ? ST_OVERRUN : 0;
		sol->overrun = false;
		sol->tx_tries = 0;
		/* What stays behind waits for this packet's ACK, then goes at once. */
		sol->first_ms = now_ms;
	} else {
		sol->stats.retransmits++;
		if (sol->tx_tries == (unsigned)bmc->params.sol.saved.retry_count + 1u)
			bmc_logf(bmc, BMC_LOG_DEBUG,
			    "SOL packet %u unacknowledged after %u retries; still retrying", sol->tx_seq,
			    bmc->params.sol.saved.retry_count);
	}
	pl[0] = sol->tx_seq;
	pl[1] = ack;
	pl[2] = accepted;
	pl[3] = sol->tx_status;
	ring_copy(sol, pl + SOL_HDR_LEN, sol->tx_len);
	emit(bmc, s, pl, SOL_HDR_LEN + sol->tx_len, unsolicited, out);
	sol->tx_ms = now_ms;
	sol->tx_tries++;
}

static bool
retry_due(const struct bmc *bmc, uint64_t now_ms)
{
	const struct sol *sol = &bmc->sol;
	return !sol->paused && sol->tx_seq != 0 && now_ms - sol->tx_ms >= retry_ms(bmc);
}

static bool
fresh_due(const struct bmc *bmc, uint64_t now_ms)
{
	const struct sol *sol = &bmc->sol;

	if (sol->paused || sol->tx_seq != 0 || sol->len == 0)
		return false;
	return sol->len >= send_threshold(bmc) || now_ms - sol->first_ms >= accumulate_ms(bmc);
}

/* Whatever the clock says is due, unsolicited: a retransmission or a new packet. */
static void
poll_send(struct bmc *bmc, struct session *s, uint64_t now_ms, struct bmc_out *out)
{
	if (retry_due(bmc, now_ms))
		send_data(bmc, s, now_ms, false, 0, 0, true, out);
	else if (fresh_due(bmc, now_ms))
		send_data(bmc, s, now_ms, true, 0, 0, true, out);
}

/* ---- activation ---- */

void
sol_activate(struct bmc *bmc, struct session *s, uint8_t aux)
{
	struct sol *sol = &bmc->sol;
	uint32_t farewell = sol->farewell_sid == s->bmc_sid ? 0 : sol->farewell_sid;
	char a[64];

	memset(sol, 0, sizeof(*sol));
	sol->active = true;
	sol->sid = s->bmc_sid;
	sol->aux = aux;
	sol->next_seq = 1;
	sol->farewell_sid = farewell;
	sol->stats.active = true;
	sol->stats.session_id = s->bmc_sid;
	bmc_logf(bmc, BMC_LOG_INFO, "SOL activated by session 0x%08x (user %u) from %s", s->bmc_sid, s->uid,
	    addr_str(&s->peer, a, sizeof(a)));
}

void
sol_deactivate(struct bmc *bmc, const char *why, bool farewell)
{
	struct sol *sol = &bmc->sol;

	if (!sol->active)
		return;
	bmc_logf(bmc, BMC_LOG_INFO,
	    "SOL deactivated (%s): %llu bytes out, %llu in, %llu retransmissions, %llu bytes dropped", why,
	    (unsigned long long)sol->stats.tx_bytes, (unsigned long long)sol->stats.rx_bytes,
	    (unsigned long long)sol->stats.retransmits, (unsigned long long)sol->stats.dropped);
	sol->active = false;
	sol->stats.active = false;
	sol->farewell_sid = farewell ? sol->sid : 0;
	sol->head = sol->len = sol->tx_len = 0;
	sol->tx_seq = 0;
	sol->paused = sol->overrun = false;
}

void
sol_session_closed(struct bmc *bmc, const struct session *s)
{
	if (bmc->sol.farewell_sid == s->bmc_sid)
		bmc->sol.farewell_sid = 0;
	if (bmc->sol.active && bmc->sol.sid == s->bmc_sid)
		sol_deactivate(bmc, "session closed", false);
}

/* ---- traffic ---- */

void
sol_handle(struct bmc *bmc, const struct bmc_time *now, struct session *s, const uint8_t *p, size_t n,
    struct bmc_out *out)
{
	struct sol *sol = &bmc->sol;
	uint8_t seq, ack, accepted, op, ack_count = 0;
	bool acked = false, need_ack = false, was_paused = sol->paused;
	uint64_t now_ms = now->mono_ms;

	if (n < SOL_HDR_LEN)
		return;
	seq = p[0] & 0x0f;
	ack = p[1] & 0x0f;
	accepted = p[2];
	op = p[3];
	if (!sol->active || sol->sid != s->bmc_sid) {
		/* No payload in this session (deactivated, or never): take nothing, and say so. */
		if (seq != 0)
			send_ack_only(bmc, s, seq, 0, ST_NACK | ST_DEACTIVATING, false, out);
		return;
	}

	/* The console's verdict on our packet in flight: what it accepted is done with. */
	if (ack != 0 && sol->tx_seq != 0 && ack == sol->tx_seq) {
		size_t took = accepted < sol->tx_len ? accepted : sol->tx_len;

		ring_drop(sol, took);
		sol->stats.tx_bytes += took;
		/* The rest, if any, goes again in a new packet. */
		sol->tx_seq = 0;
		sol->tx_len = 0;
		acked = !(op & OP_NACK);
	}
	/* A NACK holds our data until the console sends a packet without one. */
	sol->paused = (op & OP_NACK) != 0;

	/* Controls, once per packet: not again for a retransmission. */
	if (seq == 0 || seq != sol->rx_seq) {
		if (op & OP_FLUSH_OUTBOUND) {
			sol->head = sol->len = sol->tx_len = 0;
			sol->tx_seq = 0;
		}
		if (op & OP_BREAK)
			out->console_break = true;
	}

	/* Characters for the host. */
	if (seq != 0) {
		need_ack = true;
		if (seq == sol->rx_seq) {
			ack_count = sol->rx_accepted; /* seen: ACK again, deliver nothing */
		} else {
			size_t m = n - SOL_HDR_LEN, room = BMC_CONSOLE_IN_MAX - out->console_in_len;

			if (m > room)
				m = room;
			if (m > 255)
				m = 255; /* what the accepted count can say */
			memcpy(out->console_in + out->console_in_len, p + SOL_HDR_LEN, m);
			out->console_in_len += m;
			sol->stats.rx_bytes += m;
			sol->rx_seq = seq;
			sol->rx_accepted = (uint8_t)m;
			ack_count = (uint8_t)m;
		}
	}

	/* The reply: data (the next packet at once after an ACK), the ACK riding on it, or the ACK alone. */
	if (retry_due(bmc, now_ms))
		send_data(bmc, s, now_ms, false, need_ack ? seq : 0, ack_count, false, out);
	else if (!sol->paused && sol->tx_seq == 0 && sol->len > 0 &&
	    (acked || need_ack || was_paused || fresh_due(bmc, now_ms)))
		send_data(bmc, s, now_ms, true, need_ack ? seq : 0, ack_count, false, out);
	else if (need_ack)
		send_ack_only(bmc, s, seq, ack_count, 0, false, out);
}

void
sol_tick(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	struct sol *sol = &bmc->sol;
	struct session *s;

	/* One packet per call: a farewell owed goes first. */
	if (sol->farewell_sid != 0) {
		s = session_find(bmc, sol->farewell_sid);
		sol->farewell_sid = 0;
		if (s != NULL && s->state == SESS_ACTIVE) {
			send_ack_only(bmc, s, 0, 0, ST_DEACTIVATING, true, out);
			return;
		}
	}
	if (!sol->active)
		return;
	if ((s = sol_owner(bmc)) == NULL) {
		sol_deactivate(bmc, "session gone", false);
		return;
	}
	if (now->mono_ms - s->last_ms >= bmc->conf.session_timeout_ms) {
		/* The session is about to time out: tell the console, if it is still there. */
		send_ack_only(bmc, s, 0, 0, ST_DEACTIVATING, true, out);
		sol_deactivate(bmc, "session idle", false);
		return;
	}
	poll_send(bmc, s, now->mono_ms, out);
}

/* ---- the edge's side (sol.h) ---- */

size_t
bmc_console_output(
    struct bmc *bmc, const struct bmc_time *now, const uint8_t *bytes, size_t len, struct bmc_out *out)
{
	struct sol *sol = &bmc->sol;
	struct session *s;
	size_t n;

	bmc_out_reset(out);
	if ((s = sol_owner(bmc)) == NULL)
		return 0;
	if (sol->len == sol->tx_len && len > 0)
		sol->first_ms = now->mono_ms; /* the oldest unsent byte is this one */
	n = len > 0 ? ring_put(sol, bytes, len) : 0;
	if (n < len) {
		sol->stats.dropped += len - n;
		sol->overrun = true;
	}
	poll_send(bmc, s, now->mono_ms, out);
	return n;
}

bool
bmc_sol_active(const struct bmc *bmc)
{
	return bmc->sol.active;
}

void
bmc_sol_stats(const struct bmc *bmc, struct bmc_sol_stats *st)
{
	*st = bmc->sol.stats;
	st->active = bmc->sol.active;
}

size_t
bmc_sol_room(const struct bmc *bmc)
{
	return bmc->sol.active ? BMC_SOL_BUFFER - bmc->sol.len : 0;
}

uint64_t
bmc_sol_deadline(const struct bmc *bmc)
{
	const struct sol *sol = &bmc->sol;

	if (sol->farewell_sid != 0)
		return 1; /* now */
	if (!sol->active || sol->paused)
		return 0;
	if (sol->tx_seq != 0)
		return sol->tx_ms + retry_ms(bmc);
	if (sol->len == 0)
		return 0;
	if (sol->len >= send_threshold(bmc))
		return 1;
	return sol->first_ms + accumulate_ms(bmc);
}
