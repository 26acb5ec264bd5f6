/*
 * Inside one BMC instance: the state every core module shares.  Only core/
 * includes this; the edge sees bmc.h.
 */
#ifndef GHOSTBMC_BMC_INT_H
#define GHOSTBMC_BMC_INT_H

#include <stdarg.h>

#include "core/bmc.h"
#include "core/boot.h"
#include "core/buf.h"
#include "core/ipmi.h"
#include "core/chassis.h"
#include "core/crypto.h"
#include "core/fru.h"
#include "core/sdr.h"
#include "core/sol.h"

#define BMC_MAX_SESSIONS 63 /* session handles are 6 bits */
#define BMC_MAX_PENDING 64
#define BMC_MSG_MAX 320 /* an IPMI message: header, up to 255 data bytes, checksum */
#define RETRY_SLOTS 4 /* remembered replies per session (CHECKLIST 8) */
#define RETRY_TTL_MS 5000

#define ALWAYS(x) (x)
#define NEVER(x) (x)

/* ---- sessions (session.c) ---- */

enum session_state {
	SESS_FREE = 0,
	SESS_OPEN, /* Open Session answered, waiting for RAKP1 */
	SESS_RAKP2, /* RAKP2 sent, waiting for RAKP3 */
	SESS_ACTIVE, /* RAKP4 sent with status 00 */
};

struct retry_entry {
	uint64_t at_ms; /* 0 = empty */
	uint8_t rq_seq, netfn, cmd;
	uint32_t rq_hash;
	uint16_t len;
	uint8_t reply[BMC_MSG_MAX]; /* the plaintext IPMI response message */
};

struct session {
	enum session_state state;
	uint32_t bmc_sid;
	uint32_t con_sid;
	struct bmc_addr peer;
	uint8_t handle; /* 1..63, for Get Session Info */

	/* negotiated at Open Session */
	uint8_t open_tag;
	uint8_t open_req_priv; /* requested maximum privilege (0 = highest) */
	uint8_t max_priv; /* granted maximum privilege */
	uint8_t suite;
	uint8_t auth_alg, integ_alg, conf_alg;

	/* RAKP */
	uint8_t role; /* RAKP1 byte 24, whole: it goes into every HMAC */
	uint8_t ulen;
	uint8_t uname[BMC_NAME_LEN];
	uint8_t uid; /* 0 when the name matched no usable user */
	bool fake; /* answering with a decoy RAKP2 (unknown/disabled user) */
	uint8_t rm[16], rc[16];
	uint8_t kuid[20];
	uint8_t rakp1_digest[32]; /* to recognise a retransmitted RAKP1 */
	uint8_t sik[32];
	uint8_t k1[32];
	uint8_t k2[32];
	uint8_t keylen; /* 20 (SHA-1) or 32 (SHA-256) */
	struct crypto_sess cs; /* K1 and K2 prepared at RAKP3 (crypto.c) */

	/* IPMI 1.5 (lan15.c) */
	bool v15;
	uint8_t auth_type; /* AUTHTYPE_* of the session */
	uint8_t challenge[16];

	/* active */
	uint8_t priv; /* operating privilege */
	uint64_t created_ms, last_ms;
	uint32_t out_seq; /* last sequence number sent */
	uint32_t in_high; /* highest sequence number accepted */
	uint32_t in_seen; /* bit i: in_high - i was accepted */
	bool in_any;
	unsigned retry_next;
	struct retry_entry retry[RETRY_SLOTS];
};

struct session *session_new(struct bmc *bmc, const struct bmc_addr *src, uint64_t now_ms);
void session_free(struct bmc *bmc, struct session *s);
/* Drop a half-open session, counting a harvested RAKP2 as a failed login. */
void session_abandon(struct bmc *bmc, struct session *s, uint64_t now_ms);
struct session *session_find(struct bmc *bmc, uint32_t bmc_sid);
struct session *session_by_handle(struct bmc *bmc, uint8_t handle);
/* The index-th (1-based) active session, for Get Session Info. */
struct session *session_nth_active(struct bmc *bmc, unsigned index);
unsigned session_count(const struct bmc *bmc, enum session_state st);
unsigned session_count_pending_from(const struct bmc *bmc, const struct bmc_addr *src);
unsigned session_count_unanswered(const struct bmc *bmc, uint8_t uid, const struct session *except);
/* Accept or refuse an inbound session sequence number (sliding window, CHECKLIST 6). */
bool session_seq_accept(struct session *s, uint32_t seq);
uint32_t session_next_out_seq(struct session *s);
void session_expire(struct bmc *bmc, uint64_t now_ms);
/* Make room for one more half-open session from src (oldest evicted first). */
bool session_make_room(struct bmc *bmc, const struct bmc_addr *src, uint64_t now_ms);
/* A free handle for a session becoming active; 0 if none. */
uint8_t session_free_handle(struct bmc *bmc);
void session_wipe_keys(struct session *s);
/* Retry cache (CHECKLIST 8): a retransmitted request gets the stored reply. */
uint32_t session_rq_hash(const uint8_t *p, size_t n);
struct retry_entry *session_retry_find(
    struct session *s, uint8_t rq_seq, uint8_t netfn, uint8_t cmd, uint32_t hash, uint64_t now_ms);
void session_retry_store(struct session *s, uint8_t rq_seq, uint8_t netfn, uint8_t cmd, uint32_t hash,
    uint64_t now_ms, const uint8_t *rsp, size_t n);
bool addr_equal(const struct bmc_addr *a, const struct bmc_addr *b);
const char *addr_str(const struct bmc_addr *a, char *buf, size_t len);

/* ---- persisted parameters (params.c; IPMI layouts in cmd_transport.c) ---- */

struct lan_params {
	uint8_t auth_enables[5]; /* param 2: callback, user, operator, admin, OEM */
	uint8_t ip[4]; /* param 3; all zero = derived from the listen address */
	bool ip_set;
	uint8_t ip_source; /* param 4 */
	uint8_t netmask[4]; /* param 6 */
	bool netmask_set;
	uint8_t ip_header[3]; /* param 7: TTL, flags, TOS */
	uint8_t arp; /* param 10 */
	uint8_t garp_interval; /* param 11 */
	uint8_t gateway[4]; /* param 12 */
	uint8_t gateway_mac[6]; /* param 13 */
	uint8_t backup_gateway[4]; /* param 14 */
	uint8_t backup_gateway_mac[6];
	uint8_t community[18]; /* param 16 */
	uint16_t vlan_id; /* param 20: bit 15 enable, 11:0 ID */
	uint8_t vlan_priority; /* param 21 */
	uint8_t cipher_priv[16]; /* param 24: max privilege per entry of param 23 */
	uint8_t bad_password[6]; /* param 26 */
	uint8_t set_in_progress; /* param 0: volatile */
	uint64_t set_in_progress_ms;
};

struct channel_access {
	uint8_t access; /* Get Channel Access byte 1 (non-volatile) */
	uint8_t priv; /* channel privilege limit */
	uint8_t v_access; /* volatile copies */
	uint8_t v_priv;
};

/* SOL configuration parameters (IPMI 2.0 26.3; layouts in cmd_sol.c). */
struct sol_params {
	/* persisted as BMC_PARAM_SOL: bytes only, keep together */
	struct {
		uint8_t enable; /* param 1: [0] SOL enabled */
		uint8_t auth; /* param 2: [7] force encryption, [6] force authentication, [3:0] privilege */
		uint8_t accumulate; /* param 3 byte 1: character accumulate interval, 5 ms units, 1-based */
		uint8_t threshold; /* param 3 byte 2: character send threshold */
		uint8_t retry_count; /* param 4 byte 1 [2:0] */
		uint8_t retry_interval; /* param 4 byte 2: 10 ms units (0: back to back) */
		uint8_t nv_bit_rate; /* param 5 */
	} saved;
	uint8_t v_bit_rate; /* param 6: volatile, back to param 5 at start */
	uint8_t set_in_progress; /* param 0: volatile */
	uint64_t set_in_progress_ms;
	/* persisted as BMC_PARAM_SOL_PAYLOAD_ACCESS: bit n (byte n / 8) = user n may NOT activate SOL */
	uint8_t payload_denied[(BMC_MAX_USERS + 8) / 8];
};

struct bmc_params {
	struct lan_params lan;
	struct channel_access chan;
	uint8_t global_enables; /* Get BMC Global Enables */
	uint8_t kg[20];
	struct sol_params sol;
};

void params_defaults(struct bmc *bmc);
/*
 * Parameter 0, "set in progress", of every parameter command (LAN, SOL,
 * boot options): write v (0 complete, 1 in progress, 2 commit) and answer
 * its completion code; a claim left standing expires after a minute.
 */
uint8_t set_in_progress_write(uint8_t *state, uint64_t *since_ms, uint8_t v, uint64_t now_ms);
void set_in_progress_expire(uint8_t *state, uint64_t since_ms, uint64_t now_ms);
/* Volatile set-in-progress states return to 'complete' after a timeout. */
void params_tick(struct bmc *bmc, uint64_t now_ms);
/* The cipher suite IDs listed in LAN param 23, in order; returns the count. */
size_t params_cipher_suites(const struct bmc *bmc, uint8_t ids[16]);
/* Privilege limit for a suite (0 when the suite is disabled). */
uint8_t params_suite_priv(const struct bmc *bmc, uint8_t suite);
/* Non-zero K_G in force? */
bool params_kg_set(const struct bmc *bmc);
/* Was K_G given in the config file? */
bool params_kg_configured(const struct bmc *bmc);

/* ---- users (users.c) ---- */

/* Failed-login bookkeeping per user (LAN param 26); volatile. */
struct user_lockout {
	uint8_t failures;
	uint64_t first_failure_ms;
	uint64_t locked_until_ms;
};

void users_init(struct bmc *bmc);
bool users_name_taken(const struct bmc *bmc, const char *name, uint8_t except_id);
/* Copy the name as it goes on the wire (16 bytes, NUL padded). */
void users_wire_name(const struct bmc_user *u, uint8_t out[BMC_NAME_LEN]);
/* RAKP1 lookup; returns the ID or 0. */
uint8_t users_lookup(const struct bmc *bmc, const uint8_t *name, size_t len, bool name_only, uint8_t priv);
bool users_locked(const struct bmc *bmc, uint8_t id, uint64_t now_ms);
void users_login_failed(struct bmc *bmc, uint8_t id, uint64_t now_ms);
bool users_guesses_exhausted(const struct bmc *bmc, uint8_t id, uint64_t now_ms, unsigned unanswered);
void users_login_ok(struct bmc *bmc, uint8_t id);
/* Writable slot (for handlers); NULL for an ID out of range. */
struct bmc_user *users_slot(struct bmc *bmc, uint8_t id);

/* ---- FRU devices (fru.c; IPMI layouts in cmd_fru.c) ---- */

struct fru_dev {
	uint8_t id;
	char name[17];
	bool write_protect;
	uint16_t len;
	uint8_t *data; /* malloc'd, len bytes */
};

/* Free every device's image (bmc_free). */
void fru_free_all(struct bmc *bmc);
struct fru_dev *fru_by_id(struct bmc *bmc, uint8_t id);

/* ---- chassis (chassis.c; IPMI layouts in cmd_chassis.c) ---- */

struct chassis {
	/* persisted as BMC_PARAM_CHASSIS: keep these first and together */
	struct {
		uint8_t restore_policy; /* RESTORE_* */
		uint8_t last_power_on; /* for RESTORE_PREVIOUS */
		uint8_t cycle_interval_s; /* Set Power Cycle Interval; 0 = the backend's default */
		uint8_t pad;
		uint32_t poh_minutes;
	} saved;
	bool power_on; /* as the host last reported */
	bool known; /* the host has reported at least once */
	bool power_fault;
	uint8_t last_event; /* Get Chassis Status byte 3 */
	uint8_t restart_cause; /* of the last power-on or reset */
	uint8_t pending_cause; /* for the power-on the current request will bring */
	uint8_t pending_action; /* the request it belongs to (a cycle's off half keeps it) */
	uint64_t poh_ms; /* powered-on time not yet counted in poh_minutes */
	uint64_t poh_last_ms; /* when the POH clock last advanced */
	uint8_t identify; /* 0 off, 1 timed, 2 forced */
	uint64_t identify_until_ms;
};

struct watchdog {
	uint8_t use; /* byte 1: [7] don't log, [6] don't stop (Set), [2:0] timer use */
	uint8_t action; /* byte 2: [6:4] pre-timeout interrupt, [2:0] timeout action */
	uint8_t pretimeout_s;
	uint8_t expired; /* timer use expiration flags (bit n = use n) */
	uint16_t initial; /* 100 ms units */
	bool running;
	bool set_once; /* Reset before any Set answers 80h */
	bool pretimeout_fired;
	uint64_t deadline_ms; /* when it expires, while running */
	uint64_t pretimeout_ms;
};

/* Ask the edge to do a power action to the host, recording why (RESTART_*) for the power-on it brings. */
void chassis_request(struct bmc *bmc, uint8_t action, uint8_t cause, struct bmc_out *out);
void chassis_tick(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out);
void chassis_init(struct bmc *bmc);

/* watchdog.c */
void watchdog_init(struct bmc *bmc);
void watchdog_tick(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out);
/* The host restarted (power-on or reset): the timer runs on, as BIOS/POST timers span a reset. */
void watchdog_host_reset(struct bmc *bmc, const struct bmc_time *now);

/* boot.c: System Boot Options */
void boot_init(struct bmc *bmc);

/* ---- Serial over LAN (sol.c; IPMI layouts in cmd_payload.c, cmd_sol.c) ---- */

#define SOL_CHARS_MAX 252 /* characters in one SOL packet, either way */
#define SOL_HDR_LEN 4
#define SOL_PAYLOAD_MAX (SOL_HDR_LEN + SOL_CHARS_MAX) /* Activate Payload's in/outbound payload size */
#define SOL_INSTANCE 1 /* the one SOL instance */

struct sol {
	bool active;
	uint32_t sid; /* BMC session ID of the session that activated it */
	uint8_t aux; /* Activate Payload auxiliary byte 1 */
	/* console bytes for the client, oldest first; the first tx_len are in the packet in flight */
	uint8_t buf[BMC_SOL_BUFFER];
	size_t head, len;
	uint64_t first_ms; /* when the oldest byte not yet sent was queued */
	uint8_t next_seq; /* 1..15 */
	uint8_t tx_seq; /* the packet in flight (0: none) */
	uint8_t tx_status; /* its status byte */
	size_t tx_len;
	uint64_t tx_ms; /* when it was last sent */
	unsigned tx_tries; /* sends of it so far */
	bool overrun; /* bytes were dropped since the last data packet */
	bool paused; /* the console NACKed: hold data until it clears the NACK */
	uint8_t rx_seq, rx_accepted; /* the console's last packet, to ACK a retransmission again */
	uint32_t farewell_sid; /* owes a "SOL deactivating" packet to this session (0: none) */
	struct bmc_sol_stats stats;
};

/* Seal a payload for the wire as session s negotiated (rmcpplus.c). Returns the datagram length or 0. */
size_t rmcpp_seal(struct bmc *bmc, struct session *s, uint8_t ptype, const uint8_t *plain, size_t plen,
    uint8_t *out, size_t cap);
/* Activate the SOL payload for session s (the checks are the caller's). */
void sol_activate(struct bmc *bmc, struct session *s, uint8_t aux);
/* Deactivate it; farewell: the owner is still there and is owed a "SOL deactivating" packet. */
void sol_deactivate(struct bmc *bmc, const char *why, bool farewell);
/* Session s is going away: its payload goes with it. */
void sol_session_closed(struct bmc *bmc, const struct session *s);
/* A SOL packet (decrypted payload) arrived in session s. */
void sol_handle(struct bmc *bmc, const struct bmc_time *now, struct session *s, const uint8_t *p, size_t n,
    struct bmc_out *out);
/* Retransmissions, the accumulate interval, an idle owner, a farewell owed. */
void sol_tick(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out);
/* May user id activate SOL (Set User Payload Access)? */
bool sol_user_allowed(const struct bmc *bmc, uint8_t id);
/* Param defaults, and the values a stored blob may hold. */
void sol_params_defaults(struct sol_params *p);
void sol_params_sanitize(struct sol_params *p);

/* ---- the instance ---- */

struct bmc_stats {
	uint64_t rx, tx, dropped;
	uint64_t limited; /* pre-session datagrams or replies over a source's budget (preauth.c) */
};

/* ---- pre-session budgets per source (preauth.c) ---- */

struct preauth;
/* May this pre-session datagram of len bytes be handled at all? */
bool preauth_admit(struct bmc *bmc, const struct bmc_addr *src, uint64_t now_ms, size_t len);
/* May a pre-session reply of len bytes go back to src? Takes it from the source's credit. */
bool preauth_may_send(struct bmc *bmc, const struct bmc_addr *src, uint64_t now_ms, size_t len);
void preauth_free(struct bmc *bmc);

struct bmc {
	struct bmc_env env;
	struct bmc_conf conf;
	struct bmc_params params;
	struct bmc_user users[BMC_MAX_USERS + 1]; /* index = user ID; 0 unused */
	struct user_lockout lockout[BMC_MAX_USERS + 1];
	uint32_t locked_out_pending; /* bit n: user n was just locked out; logged by sel_audit_flush() */
	struct session *sessions[BMC_MAX_SESSIONS + BMC_MAX_PENDING];
	uint32_t last_sids[8]; /* recently used BMC session IDs */
	unsigned last_sid_next;
	struct bmc_stats stats;
	struct preauth *preauth; /* NULL until a stranger talks to us */
	bool guid_generated; /* no GUID was configured: the stored one wins */

	struct sdr_repo sdr;
	struct sensor *sensors; /* the sensors we own, in record order */
	size_t nsensors;
	struct sel sel;
	struct fru_dev frus[BMC_MAX_FRUS]; /* in ID order (fru.c) */
	size_t nfrus;
	struct chassis chassis;
	struct watchdog wd;
	struct boot_options boot; /* boot.c and cmd_boot.c; layout in boot.h */
	struct sol sol; /* sol.c */
};

void bmc_logf(struct bmc *bmc, enum bmc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void bmc_rand(struct bmc *bmc, void *dst, size_t n);
void bmc_fx(struct bmc_out *out, enum bmc_fx_kind kind, uint32_t arg);

/* ---- commands (dispatch.c, cmd_*.c) ---- */

struct cmd_ctx {
	struct bmc *bmc;
	const struct bmc_addr *src; /* where the request came from */
	const struct bmc_time *now;
	struct session *sess; /* NULL before a session exists */
	uint8_t channel; /* the channel the request came in on */
	uint8_t priv; /* operating privilege; PRIV_NONE pre-session */
	uint8_t netfn, cmd;
	struct bmc_out *out; /* effects go here */
	bool durable; /* an effect must commit before the reply is sent */
	bool after_reply_reset; /* Cold/Warm Reset */
	bool close_session; /* Close Session: drop the session after replying */
	struct session *close_target;
};

typedef uint8_t cmd_handler_fn(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs);

struct cmd_desc {
	uint8_t netfn, cmd;
	uint8_t min_priv; /* CHECKLIST 10; PRIV_NONE = allowed pre-session */
	uint8_t min_len, max_len; /* request data after the cmd byte */
	cmd_handler_fn *handler; /* returns a completion code */
};

/* A context for one request from src, at no privilege until a session says otherwise. */
void cmd_ctx_init(struct cmd_ctx *ctx, struct bmc *bmc, const struct bmc_time *now,
    const struct bmc_addr *src, struct bmc_out *out);

/* Look a command up; NULL when unknown. */
const struct cmd_desc *dispatch_find(uint8_t netfn, uint8_t cmd);
size_t dispatch_table_size(void);
const struct cmd_desc *dispatch_table_entry(size_t i);

/*
 * Run one request: checks (C1h, D4h, C7h), then the handler.  rs receives
 * completion code + data.  Always produces a response.
 */
void dispatch(struct cmd_ctx *ctx, const uint8_t *data, size_t len, struct wbuf *rs);

/* Effect helper for handlers whose reply depends on a commit. */
static inline void
ctx_persist(struct cmd_ctx *ctx, enum bmc_fx_kind kind, uint32_t arg)
{
	bmc_fx(ctx->out, kind, arg);
	ctx->durable = true;
}

/* The channel a request names: 0Eh means the one it came in on. */
static inline uint8_t
ctx_channel(const struct cmd_ctx *ctx, uint8_t ch)
{
	ch &= 0x0f;
	return ch == CHANNEL_CURRENT ? ctx->channel : ch;
}

#include "core/cmds.h"

#endif
