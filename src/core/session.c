/*
 * The session table.  Half-open (pending) sessions and active ones share the
 * slot array but not the quotas: an Open Session flood fills only the
 * pending quota, and an active slot is taken only after a correct RAKP3
 * (CHECKLIST 7, 21).  Sessions are allocated on demand so an idle instance
 * holds none.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/bmc_int.h"
#include "core/crypto.h"

#define NSLOTS (sizeof(((struct bmc *)0)->sessions) / sizeof(((struct bmc *)0)->sessions[0]))

bool
addr_equal(const struct bmc_addr *a, const struct bmc_addr *b)
{
	size_t n = a->family == 4 ? 4 : 16;
	return a->family == b->family && a->port == b->port && memcmp(a->ip, b->ip, n) == 0;
}

static bool
addr_same_host(const struct bmc_addr *a, const struct bmc_addr *b)
{
	size_t n = a->family == 4 ? 4 : 16;
	return a->family == b->family && memcmp(a->ip, b->ip, n) == 0;
}

const char *
addr_str(const struct bmc_addr *a, char *buf, size_t len)
{
	if (a->family == 4) {
		snprintf(buf, len, "%u.%u.%u.%u:%u", a->ip[0], a->ip[1], a->ip[2], a->ip[3], a->port);
	} else {
		const uint8_t *p = a->ip;
		snprintf(buf, len, "[%x:%x:%x:%x:%x:%x:%x:%x]:%u", p[0] << 8 | p[1], p[2] << 8 | p[3],
		    p[4] << 8 | p[5], p[6] << 8 | p[7], p[8] << 8 | p[9], p[10] << 8 | p[11],
		    p[12] << 8 | p[13], p[14] << 8 | p[15], a->port);
	}
	return buf;
}

static bool
sid_in_use(struct bmc *bmc, uint32_t sid)
{
	size_t i;

	for (i = 0; i < NSLOTS; i++)
		if (bmc->sessions[i] != NULL && bmc->sessions[i]->bmc_sid == sid)
			return true;
	for (i = 0; i < sizeof(bmc->last_sids) / sizeof(bmc->last_sids[0]); i++)
		if (bmc->last_sids[i] == sid)
			return true;
	return false;
}

uint8_t
session_free_handle(struct bmc *bmc)
{
	uint8_t h;
	size_t i;

	for (h = 1; h <= BMC_MAX_SESSIONS; h++) {
		for (i = 0; i < NSLOTS; i++)
			if (bmc->sessions[i] != NULL && bmc->sessions[i]->handle == h)
				break;
		if (i == NSLOTS)
			return h;
	}
	return 0;
}

struct session *
session_new(struct bmc *bmc, const struct bmc_addr *src, uint64_t now_ms)
{
	struct session *s;
	size_t i, slot = NSLOTS;
	uint32_t sid;

	for (i = 0; i < NSLOTS; i++)
		if (bmc->sessions[i] == NULL) {
			slot = i;
			break;
		}
	if (slot == NSLOTS || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	/* Random, non-zero, not live and not recently used (CHECKLIST 4). */
	do
		bmc_rand(bmc, &sid, sizeof(sid));
	while (sid == 0 || sid_in_use(bmc, sid));
	s->bmc_sid = sid;
	s->peer = *src;
	s->state = SESS_OPEN;
	s->created_ms = s->last_ms = now_ms;
	bmc->sessions[slot] = s;
	return s;
}

void
session_wipe_keys(struct session *s)
{
	crypto_wipe(s->kuid, sizeof(s->kuid));
	crypto_wipe(s->sik, sizeof(s->sik));
	crypto_wipe(s->k1, sizeof(s->k1));
	crypto_wipe(s->k2, sizeof(s->k2));
	crypto_sess_free(&s->cs);
}

void
session_free(struct bmc *bmc, struct session *s)
{
	size_t i;

	sol_session_closed(bmc, s);
	for (i = 0; i < NSLOTS; i++)
		if (bmc->sessions[i] == s)
			bmc->sessions[i] = NULL;
	bmc->last_sids[bmc->last_sid_next++ % (sizeof(bmc->last_sids) / sizeof(bmc->last_sids[0]))] =
	    s->bmc_sid;
	session_wipe_keys(s);
	crypto_wipe(s, sizeof(*s));
	free(s);
}

struct session *
session_find(struct bmc *bmc, uint32_t bmc_sid)
{
	size_t i;

	if (bmc_sid == 0)
		return NULL;
	for (i = 0; i < NSLOTS; i++)
		if (bmc->sessions[i] != NULL && bmc->sessions[i]->bmc_sid == bmc_sid)
			return bmc->sessions[i];
	return NULL;
}

struct session *
session_by_handle(struct bmc *bmc, uint8_t handle)
{
	size_t i;

	for (i = 0; i < NSLOTS; i++)
		if (bmc->sessions[i] != NULL && bmc->sessions[i]->state == SESS_ACTIVE &&
		    bmc->sessions[i]->handle == handle)
			return bmc->sessions[i];
	return NULL;
}

struct session *
session_nth_active(struct bmc *bmc, unsigned index)
{
	unsigned n = 0;
	uint8_t h;

	/* In handle order, so the list is stable while sessions come and go. */
	for (h = 1; h <= BMC_MAX_SESSIONS; h++) {
		struct session *s = session_by_handle(bmc, h);
		if (s != NULL && ++n == index)
			return s;
	}
	return NULL;
}

unsigned
session_count(const struct bmc *bmc, enum session_state st)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < NSLOTS; i++)
		if (bmc->sessions[i] != NULL && bmc->sessions[i]->state == st)
			n++;
	return n;
}

unsigned
session_count_unanswered(const struct bmc *bmc, uint8_t uid, const struct session *except)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < NSLOTS; i++) {
		const struct session *s = bmc->sessions[i];
		if (s != NULL && s != except && s->state == SESS_RAKP2 && s->uid == uid && !s->fake)
			n++;
	}
	return n;
}

unsigned
session_count_pending_from(const struct bmc *bmc, const struct bmc_addr *src)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < NSLOTS; i++) {
		const struct session *s = bmc->sessions[i];
		if (s != NULL && s->state != SESS_ACTIVE && addr_same_host(&s->peer, src))
			n++;
	}
	return n;
}

/*
 * A 32-wide window: up to 16 numbers beyond the highest accepted move it
 * forward; the 16 below it are accepted once each.  ipmitool's retries make
 * jumps of a few numbers normal; a replay falls outside or is a repeat.
 */
bool
session_seq_accept(struct session *s, uint32_t seq)
{
	uint32_t ahead, behind, width;

	if (seq == 0)
		return false;
	if (!s->in_any) {
		s->in_any = true;
		s->in_high = seq;
		s->in_seen = 1;
		return true;
	}
	/* IPMI 1.5 sessions use a window of 8 each way. */
	width = s->v15 ? 8 : 16;
	ahead = seq - s->in_high;
	if (ahead != 0 && ahead <= width) {
		s->in_seen = ahead >= 32 ? 0 : s->in_seen << ahead;
		s->in_seen |= 1;
		s->in_high = seq;
		return true;
	}
	behind = s->in_high - seq;
	if (behind < width && !(s->in_seen & (1u << behind))) {
		s->in_seen |= 1u << behind;
		return true;
	}
	return false;
}

uint32_t
session_next_out_seq(struct session *s)
{
	if (++s->out_seq == 0)
		s->out_seq = 1;
	return s->out_seq;
}

void
session_expire(struct bmc *bmc, uint64_t now_ms)
{
	char a[64];
	size_t i;

	for (i = 0; i < NSLOTS; i++) {
		struct session *s = bmc->sessions[i];
		uint64_t limit;

		if (s == NULL)
			continue;
		limit = s->state == SESS_ACTIVE ? bmc->conf.session_timeout_ms : bmc->conf.pending_timeout_ms;
		if (now_ms - s->last_ms < limit)
			continue;
		if (s->state == SESS_ACTIVE) {
			bmc_logf(bmc, BMC_LOG_INFO, "session 0x%08x %s: closed (idle %llu s)", s->bmc_sid,
			    addr_str(&s->peer, a, sizeof(a)), (unsigned long long)(limit / 1000));
			session_free(bmc, s);
		} else {
			session_abandon(bmc, s, now_ms);
		}
	}
}

void
session_abandon(struct bmc *bmc, struct session *s, uint64_t now_ms)
{
	/*
	 * A RAKP2 for a real user that was never answered is how RAKP hashes
	 * are harvested: it counts as a failed login (CHECKLIST 21).
	 */
	if (s->state == SESS_RAKP2 && s->uid != 0 && !s->fake)
		users_login_failed(bmc, s->uid, now_ms);
	session_free(bmc, s);
}

uint32_t
session_rq_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/*
 * Key the retry cache on rqSeq, not the session sequence number: ipmitool
 * resends with the same rqSeq and a new session sequence, so keying on the
 * latter would run Chassis Control twice.  Only the last few requests are
 * kept, so a request repeated 64 rqSeqs later is new, not a retry.
 */
struct retry_entry *
session_retry_find(
    struct session *s, uint8_t rq_seq, uint8_t netfn, uint8_t cmd, uint32_t hash, uint64_t now_ms)
{
	size_t i;

	for (i = 0; i < RETRY_SLOTS; i++) {
		struct retry_entry *e = &s->retry[i];
		if (e->at_ms != 0 && now_ms - e->at_ms < RETRY_TTL_MS && e->rq_seq == rq_seq &&
		    e->netfn == netfn && e->cmd == cmd && e->rq_hash == hash)
			return e;
	}
	return NULL;
}

void
session_retry_store(struct session *s, uint8_t rq_seq, uint8_t netfn, uint8_t cmd, uint32_t hash,
    uint64_t now_ms, const uint8_t *rsp, size_t n)
{
	struct retry_entry *e = &s->retry[s->retry_next++ % RETRY_SLOTS];

	if (n > sizeof(e->reply))
		return;
	e->at_ms = now_ms ? now_ms : 1;
	e->rq_seq = rq_seq;
	e->netfn = netfn;
	e->cmd = cmd;
	e->rq_hash = hash;
	e->len = (uint16_t)n;
	memcpy(e->reply, rsp, n);
}

bool
session_make_room(struct bmc *bmc, const struct bmc_addr *src, uint64_t now_ms)
{
	size_t i, n = sizeof(bmc->sessions) / sizeof(bmc->sessions[0]);
	bool per_source = session_count_pending_from(bmc, src) >= bmc->conf.max_pending_per_source;
	bool total = session_count(bmc, SESS_OPEN) + session_count(bmc, SESS_RAKP2) >= bmc->conf.max_pending;
	struct session *oldest = NULL;

	if (!per_source && !total)
		return true;
	for (i = 0; i < n; i++) {
		struct session *s = bmc->sessions[i];
		if (s == NULL || s->state == SESS_ACTIVE)
			continue;
		if (per_source && !addr_same_host(&s->peer, src))
			continue;
		if (oldest == NULL || s->last_ms < oldest->last_ms)
			oldest = s;
	}
	if (oldest == NULL)
		return false;
	session_abandon(bmc, oldest, now_ms);
	return true;
}
