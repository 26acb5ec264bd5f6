/*
 * The public face of one BMC instance.  The core is pure: it takes bytes, a
 * clock and a source of randomness, and gives back reply bytes and effects
 * for the edge (src/io) to carry out.  It never touches a socket, a file, the
 * host or a clock itself, so every path can be driven by unit tests and
 * fuzzers.  See docs/architecture.md.
 */
#ifndef GHOSTBMC_BMC_H
#define GHOSTBMC_BMC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BMC_DGRAM_MAX 1500 /* largest datagram we build or accept */
#define BMC_FX_MAX 32 /* a burst of events (and the entries they push out) */
#define BMC_MAX_USERS 16 /* user IDs 1..16 */
#define BMC_NAME_LEN 16 /* IPMI user names: 16 bytes, NUL padded */
#define BMC_PASSWORD_MAX 20 /* IPMI 2.0 passwords: up to 20 bytes */
#define BMC_INSTANCE_NAME_MAX 32

struct bmc;

struct bmc_time {
	uint64_t mono_ms; /* monotonic, for timeouts */
	int64_t wall_s; /* Unix time, for SEL stamps and GUIDs */
};

/* A peer or local address; ip holds IPv4 in the first 4 bytes when family is 4. */
struct bmc_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t ip[16];
	uint16_t port;
};

enum bmc_log_level { BMC_LOG_DEBUG, BMC_LOG_INFO, BMC_LOG_WARN };

/* The world, injected: randomness and logging.  Tests swap in fixed ones. */
struct bmc_env {
	/* Fill dst with n bytes from a CSPRNG.  Must not fail. */
	void (*rand)(void *arg, void *dst, size_t n);
	/* One log line, without a trailing newline.  May be NULL. */
	void (*log)(void *arg, enum bmc_log_level level, const char *line);
	void *arg;
};

/* Cipher suite IDs this implementation can serve. */
#define BMC_SUITE_SUPPORTED_MASK ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 15) | (1u << 16) | (1u << 17))
#define BMC_SUITE_DEFAULT_MASK ((1u << 3) | (1u << 17))

/* Per-instance configuration; config/ fills it, bmc_conf_defaults() seeds it. */
struct bmc_conf {
	char name[BMC_INSTANCE_NAME_MAX]; /* instance name, for logs and the CLI */
	uint8_t system_guid[16]; /* wire order, as Get System GUID returns it */
	uint8_t device_guid[16];
	struct bmc_addr lan_addr; /* the address LAN parameters describe */
	uint8_t mac[6]; /* reported in LAN parameter 5 */

	uint32_t suites_enabled; /* bit n = cipher suite n may be used */
	uint8_t suite_max_priv; /* default privilege limit for enabled suites */
	uint8_t channel_priv_limit; /* LAN channel privilege limit */

	uint32_t session_timeout_ms; /* inactivity timeout of an active session */
	uint8_t max_sessions; /* active sessions per instance, <= 63 */
	uint8_t max_pending; /* half-open sessions in total */
	uint8_t max_pending_per_source; /* half-open sessions per source address */
	uint32_t pending_timeout_ms; /* Open Session -> RAKP3 deadline */
	uint16_t preauth_rate; /* pre-session datagrams per second per source; 0 = no limit */
	uint16_t preauth_burst; /* ... and how many may come at once */

	uint8_t ipmi15_auth_types; /* bit n: IPMI 1.5 auth type n allowed (0 none, 2 MD5,
	                              4 straight password); 0 = no IPMI 1.5 sessions */
	uint8_t kg[20]; /* BMC key K_G; all zero = none */
	uint8_t min_password_len; /* Set User Password and the CLI refuse shorter */
	uint8_t password_classes; /* of lower case, upper case, digits, others: how many a password needs */

	bool initial_power_on; /* the host's power before any was stored (restore policy "previous") */

	/* SEL */
	uint16_t sel_capacity; /* entries, 16..BMC_SEL_CAPACITY_MAX */
	uint8_t sel_when_full; /* BMC_SEL_STOP or BMC_SEL_OVERWRITE */

	/* Get Device ID */
	uint8_t device_id;
	uint8_t device_rev;
	uint8_t fw_major; /* 0..127 */
	uint8_t fw_minor; /* BCD */
	uint32_t manufacturer_id; /* 20 bits */
	uint16_t product_id;
	uint8_t aux_fw_rev[4];
};

#define BMC_SEL_CAPACITY_DEFAULT 1024
#define BMC_SEL_CAPACITY_MIN 16
#define BMC_SEL_CAPACITY_MAX 16384
enum { BMC_SEL_STOP, BMC_SEL_OVERWRITE };

void bmc_conf_defaults(struct bmc_conf *conf);

/*
 * GUIDs: text is the usual 8-4-4-4-12 hex form; wire is the byte order Get
 * System GUID returns (and RAKP2 carries), so that ipmitool `mc guid` and
 * FreeIPMI print the same text back.  parse returns 0 or -1.
 */
int bmc_guid_parse(const char *text, uint8_t wire[16]);
void bmc_guid_format(const uint8_t wire[16], char text[37]);

/*
 * Effects: things the edge must do after a call returns.  A reply whose
 * durable effects fail must not be sent: the edge sends reply_fail instead
 * (same request, completion code FFh) and reloads the touched state from the
 * store with bmc_user_restore() / bmc_param_import().
 */
enum bmc_fx_kind {
	FX_SAVE_USER, /* arg = user ID: persist bmc_user_get(arg) */
	FX_SAVE_PARAM, /* arg = enum bmc_param: persist bmc_param_export(arg) */
	FX_RESET_BMC, /* arg = 0 cold, 1 warm: reset the instance after the reply */
	FX_SEL_ADD, /* arg = record ID: a SEL entry was added */
	FX_SEL_DELETE, /* arg = record ID: a SEL entry was deleted */
	FX_SEL_CLEAR, /* the SEL was cleared */
	FX_SAVE_FRU, /* arg = FRU device ID: persist its image */
	FX_POWER, /* arg = enum bmc_power_action (core/chassis.h): do it to the host after the reply */
};

struct bmc_fx {
	enum bmc_fx_kind kind;
	uint32_t arg;
};

#define BMC_CONSOLE_IN_MAX 256 /* characters typed into one SOL packet */

struct bmc_out {
	uint8_t reply[BMC_DGRAM_MAX];
	size_t reply_len; /* 0: send nothing */
	/* Where the reply goes when it answers no datagram (a SOL packet from a tick or console output). */
	struct bmc_addr reply_dst;
	bool reply_dst_set;
	/* Characters for the host's console (SOL input), and a break to send it. */
	uint8_t console_in[BMC_CONSOLE_IN_MAX];
	size_t console_in_len;
	bool console_break;
	uint8_t reply_fail[BMC_DGRAM_MAX];
	size_t reply_fail_len;
	struct bmc_fx fx[BMC_FX_MAX];
	size_t nfx;
};

static inline void
bmc_out_reset(struct bmc_out *out)
{
	out->reply_len = 0;
	out->reply_fail_len = 0;
	out->nfx = 0;
	out->reply_dst_set = false;
	out->console_in_len = 0;
	out->console_break = false;
}

/* Negative error codes for our own failures (a peer's garbage is a silent drop). */
enum bmc_err {
	BMC_OK = 0,
	BMC_ERR_NOMEM = -1,
	BMC_ERR_INVALID = -2,
	BMC_ERR_INTERNAL = -3,
	BMC_ERR_EXISTS = -4,
	BMC_ERR_NOTFOUND = -5,
	BMC_ERR_FULL = -6,
	BMC_ERR_POLICY = -7,
};

const char *bmc_strerror(int err);

struct bmc *bmc_new(const struct bmc_env *env, const struct bmc_conf *conf);
void bmc_free(struct bmc *bmc);
const struct bmc_conf *bmc_get_conf(const struct bmc *bmc);

/* One UDP datagram from src; fills out. */
int bmc_handle_datagram(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src,
    const uint8_t *bytes, size_t len, struct bmc_out *out);

/* Timeouts; call at least every BMC_TICK_MS. */
#define BMC_TICK_MS 250
int bmc_tick(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out);

/*
 * Serial over LAN helpers beside core/sol.h.  bmc_sol_room(): how many bytes
 * bmc_console_output() would queue now (0 while no SOL payload is active);
 * offer no more and keep the rest to lose nothing.  bmc_sol_deadline(): the
 * monotonic time at which SOL next wants bmc_tick() (a retransmission or the
 * end of a character accumulate interval), 0 when it waits for nothing.
 */
size_t bmc_sol_room(const struct bmc *bmc);
uint64_t bmc_sol_deadline(const struct bmc *bmc);

/* Drop every session (Cold/Warm Reset, shutdown); keeps users and parameters. */
void bmc_reset_sessions(struct bmc *bmc);

/* Status for the control socket. */
struct bmc_status {
	unsigned active_sessions;
	unsigned pending_sessions;
	unsigned users;
	uint64_t rx_datagrams, tx_datagrams, dropped;
	uint64_t limited; /* of those dropped: over a source's pre-session budget */
};
void bmc_get_status(const struct bmc *bmc, struct bmc_status *st);

/* ---- users (src/core/users.c) ---- */

struct bmc_user {
	uint8_t id; /* 1..BMC_MAX_USERS */
	bool defined; /* slot holds a user (ID 1 is the anonymous slot) */
	char name[BMC_NAME_LEN + 1]; /* NUL terminated; wire form is NUL padded */
	uint8_t password[BMC_PASSWORD_MAX];
	uint8_t password_len; /* 0 = no password */
	uint8_t password_form; /* 16 or 20: the form it was set with */
	bool enabled;
	/* access on the LAN channel */
	uint8_t priv_limit; /* PRIV_*, or PRIV_NO_ACCESS */
	bool ipmi_messaging;
	bool link_auth;
	bool callback_only;
	uint8_t session_limit; /* 0 = no limit */
};

const struct bmc_user *bmc_user_get(const struct bmc *bmc, uint8_t id);
/* User ID by exact name, or 0. */
uint8_t bmc_user_find(const struct bmc *bmc, const char *name);
/* Create (or replace the password and privilege of) a named user. Returns the ID or < 0. */
int bmc_user_add(struct bmc *bmc, const char *name, const uint8_t *pw, size_t pwlen, uint8_t priv);
int bmc_user_set_password(struct bmc *bmc, uint8_t id, const uint8_t *pw, size_t pwlen);
/* Why a password breaks the policy (length, kinds of characters), written to buf; NULL if it does not. */
const char *bmc_password_problem(
    const struct bmc_conf *conf, const uint8_t *pw, size_t len, char *buf, size_t buflen);
int bmc_user_delete(struct bmc *bmc, uint8_t id);
/* Replace a slot as the store has it (start-up and rollback). */
void bmc_user_restore(struct bmc *bmc, const struct bmc_user *u);
unsigned bmc_user_count(const struct bmc *bmc, bool enabled_only);

/* ---- persisted parameters (src/core/params.c) ---- */

enum bmc_param {
	BMC_PARAM_CHANNEL_ACCESS, /* LAN channel access + privilege limit */
	BMC_PARAM_GLOBAL_ENABLES,
	BMC_PARAM_LAN_AUTH_ENABLES,
	BMC_PARAM_LAN_IP,
	BMC_PARAM_LAN_IP_SOURCE,
	BMC_PARAM_LAN_NETMASK,
	BMC_PARAM_LAN_IP_HEADER,
	BMC_PARAM_LAN_ARP,
	BMC_PARAM_LAN_GARP_INTERVAL,
	BMC_PARAM_LAN_GATEWAY,
	BMC_PARAM_LAN_GATEWAY_MAC,
	BMC_PARAM_LAN_BACKUP_GATEWAY,
	BMC_PARAM_LAN_BACKUP_GATEWAY_MAC,
	BMC_PARAM_LAN_COMMUNITY,
	BMC_PARAM_LAN_VLAN_ID,
	BMC_PARAM_LAN_VLAN_PRIORITY,
	BMC_PARAM_LAN_CIPHER_PRIV,
	BMC_PARAM_LAN_BAD_PASSWORD,
	BMC_PARAM_KG,
	BMC_PARAM_SYSTEM_GUID, /* generated at first start unless configured */
	BMC_PARAM_SEL_TIME_OFFSET, /* Set SEL Time minus the wall clock, seconds */
	BMC_PARAM_SEL_UTC_OFFSET, /* Set SEL Time UTC Offset, minutes */
	BMC_PARAM_CHASSIS, /* restore policy, last power state, POH minutes, cycle interval */
	BMC_PARAM_BOOT_OPTIONS, /* the persistent System Boot Options (boot.c) */
	BMC_PARAM_SOL, /* SOL configuration parameters 1-5 (sol.c) */
	BMC_PARAM_SOL_PAYLOAD_ACCESS, /* per user: may activate SOL (Set User Payload Access) */
	BMC_PARAM_COUNT
};

#define BMC_PARAM_BLOB_MAX 32
/* Stable store key of a parameter ("lan.bad_password"...). */
const char *bmc_param_key(enum bmc_param p);
/* Look a store key up; BMC_PARAM_COUNT when unknown. */
enum bmc_param bmc_param_by_key(const char *key);
size_t bmc_param_export(const struct bmc *bmc, enum bmc_param p, uint8_t out[BMC_PARAM_BLOB_MAX]);
int bmc_param_import(struct bmc *bmc, enum bmc_param p, const uint8_t *blob, size_t len);

#endif
