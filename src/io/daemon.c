/*
 * Wiring: one process, one loop, one instance or a fleet of them sharing the
 * store, the control socket and one clock.  Everything
 * here that can fail at start-up is fatal with a message naming the file or
 * address; once the loop runs, failures are logged and the BMC keeps serving.
 */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <uv.h>

#include "config/config.h"
#include "core/bmc.h"
#include "core/ipmi.h"
#include "core/sensor.h"
#include "io/ctl.h"
#include "io/daemon.h"
#include "io/host.h"
#include "io/hostif.h"
#include "io/lan.h"
#include "io/log.h"
#include "store/store.h"

/* io/host_qemu.c: a QEMU virtual machine as the governed host. */
extern const struct host_backend host_backend_qemu;

#ifndef GHOSTBMC_VERSION
#define GHOSTBMC_VERSION "unknown"
#endif

#define ADMIN_NAME "admin"
#define GENERATED_PASSWORD_LEN 20

#define CONSOLE_LOG_FLEET (16 * 1024) /* a fleet member's console log */

struct daemon {
	uv_loop_t loop;
	struct instance **inst; /* ninst of them, in member order */
	size_t ninst;
	struct store *store; /* shared: the instance name is the key */
	uv_timer_t clock; /* the one timer: every instance's tick and a quarter of the samples */
	unsigned clock_phase;
	char fleet_pw[BMC_PASSWORD_MAX + 1]; /* a fleet's generated admin password, shared */
	struct ctl *ctl;
	uv_signal_t sigint, sigterm, sighup;
	bool stopping;
	int lockfd;
	char sock_path[CONFIG_PATH_MAX + 32];
	char lock_path[CONFIG_PATH_MAX + 32];
	char initial_pw_path[CONFIG_PATH_MAX + 32];
};

/* ---- the injected world ---- */

static void
rand_fill(void *dst, size_t n)
{
	unsigned char *p = dst;
	int chunk;

	while (n > 0) {
		chunk = n > INT_MAX ? INT_MAX : (int)n;
		/*
		 * The core's contract says randomness cannot fail; session IDs and
		 * keys from a broken generator would be worse than stopping.
		 */
		if (RAND_bytes(p, chunk) != 1)
			fatalx("the random number generator failed");
		p += chunk;
		n -= (size_t)chunk;
	}
}

/*
 * Every encrypted reply needs a fresh IV: drawing 16 bytes from OpenSSL per
 * packet cost a tenth of the daemon's time under load, so small draws come
 * from a pool refilled 4 KiB at a time.  Bytes handed out are wiped from it.
 */
static void
rand_bytes(void *arg, void *dst, size_t n)
{
	static unsigned char pool[4096];
	static size_t left;

	(void)arg;
	if (n > sizeof(pool) / 4) {
		rand_fill(dst, n);
		return;
	}
	if (left < n) {
		rand_fill(pool, sizeof(pool));
		left = sizeof(pool);
	}
	memcpy(dst, pool + sizeof(pool) - left, n);
	OPENSSL_cleanse(pool + sizeof(pool) - left, n);
	left -= n;
}

/* ---- password files ---- */

/*
 * The first line of path, without its line end, into pw (at least
 * BMC_PASSWORD_MAX + 1 bytes).  0, or -1 with a reason in err.
 */
static int
read_password_file(const char *path, char *pw, size_t pwsize, char *err, size_t errlen)
{
	char buf[256];
	struct stat sb;
	ssize_t n;
	size_t len;
	char *nl;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & (S_IROTH | S_IWOTH)))
		log_warnx("password file %s is accessible by others (mode %03o); chmod 600 it", path,
		    (unsigned)(sb.st_mode & 0777));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0 || len >= pwsize || len > BMC_PASSWORD_MAX) {
		snprintf(err, errlen, "%s: %s", path,
		    len == 0 ? "the first line (the password) is empty"
		             : "the password is longer than IPMI's 20 characters");
		OPENSSL_cleanse(buf, sizeof(buf));
		return -1;
	}
	memcpy(pw, buf, len + 1);
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

/* A configured user's password, from its file or inline.  0 or -1 with err. */
static int
config_user_password(const struct config_user *cu, char *pw, size_t pwsize, char *err, size_t errlen)
{
	if (cu->password_file[0] != '\0')
		return read_password_file(cu->password_file, pw, pwsize, err, errlen);
	if (cu->has_inline_password) {
		snprintf(pw, pwsize, "%s", cu->password);
		return 0;
	}
	snprintf(err, errlen, "user %s has no password (give password_file)", cu->name);
	return -1;
}

static int
check_policy(const char *what, const char *pw, const struct bmc_conf *conf)
{
	char why[160];

	if (bmc_password_problem(conf, (const uint8_t *)pw, strlen(pw), why, sizeof(why)) != NULL) {
		log_warnx("%s: %s", what, why);
		return -1;
	}
	return 0;
}

/* Load the sdr_import file into a throw-away instance, as the start would. */
static int
check_sdr_import(const struct config *cfg)
{
	struct bmc_env env = {rand_bytes, NULL, NULL};
	struct bmc_time now = {0, (int64_t)time(NULL)};
	char err[CONFIG_PATH_MAX + 256], msg[512];
	struct bmc *bmc;
	uint8_t *bytes;
	size_t len;
	int r;

	if (host_read_sdr_file(cfg->sdr_import, &bytes, &len, err, sizeof(err)) == -1) {
		log_warnx("sdr_import: %s", err);
		return -1;
	}
	if ((bmc = bmc_new(&env, &cfg->bmc)) == NULL)
		fatalx("cannot create a BMC instance");
	r = bmc_sdr_import(bmc, &now, bytes, len, cfg->overrides, cfg->noverrides, msg, sizeof(msg));
	bmc_free(bmc);
	free(bytes);
	if (r < 0) {
		log_warnx("sdr_import: %s: %s", cfg->sdr_import, msg);
		return -1;
	}
	return 0;
}

/* ---- the account to run as ---- */

struct run_user {
	bool drop; /* started as root with another account to become */
	char name[CONFIG_USER_MAX];
	uid_t uid;
	gid_t gid;
};

/*
 * Resolve `user` / --user.  As root, a non-root account is one to drop to;
 * not as root, the account must be the one already running (nothing can
 * be switched).  0, or -1 with a reason in err.
 */
static int
run_user_resolve(const struct config *cfg, struct run_user *ru, char *err, size_t errlen)
{
	struct passwd *pw;

	memset(ru, 0, sizeof(*ru));
	if (cfg->user[0] == '\0')
		return 0;
	errno = 0;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		snprintf(
		    err, errlen, "user %s: %s", cfg->user, errno != 0 ? strerror(errno) : "no such account");
		return -1;
	}
	snprintf(ru->name, sizeof(ru->name), "%s", pw->pw_name);
	ru->uid = pw->pw_uid;
	ru->gid = pw->pw_gid;
	if (geteuid() != 0) {
		if (ru->uid != geteuid() || ru->gid != getegid()) {
			snprintf(err, errlen,
			    "user %s: only root can switch to another account (running as uid %ld, gid %ld); "
			    "start ghostbmcd as %s instead, or as root",
			    ru->name, (long)geteuid(), (long)getegid(), ru->name);
			return -1;
		}
		return 0; /* already that account */
	}
	ru->drop = ru->uid != 0;
	return 0;
}

/*
 * Give the state directory, and everything in it, to the account we are
 * about to become.  Never follows a symbolic link: one planted in the
 * directory must not make root chown a file elsewhere.
 */
static void
chown_tree(int dirfd, const char *path, uid_t uid, gid_t gid, int depth)
{
	struct dirent *de;
	struct stat sb;
	DIR *dir;
	int fd;

	if (fchown(dirfd, uid, gid) == -1)
		fatal("cannot chown %s", path);
	if (depth > 8) /* the daemon makes no deep trees; a deeper one is not ours */
		fatalx("%s: directory tree too deep to hand over", path);
	if ((fd = dup(dirfd)) == -1 || (dir = fdopendir(fd)) == NULL)
		fatal("cannot read %s", path);
	while ((errno = 0, de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
			fatal("%s/%s", path, de->d_name);
		if (S_ISDIR(sb.st_mode)) {
			char sub[CONFIG_PATH_MAX + 256];
			int subfd;

			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			if ((subfd = openat(
			         dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
				fatal("cannot open %s", sub);
			chown_tree(subfd, sub, uid, gid, depth + 1);
			close(subfd);
		} else if (fchownat(dirfd, de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) == -1) {
			fatal("cannot chown %s/%s", path, de->d_name);
		}
	}
	if (errno != 0)
		fatal("cannot read %s", path);
	closedir(dir);
}

/*
 * Root's work is done (ports bound, store open, control socket made, state
 * files written): hand the state directory to ru and become it for good.
 * Fatal unless root is gone beyond recall.
 */
static void
state_dir_give(const struct run_user *ru, const char *state_dir)
{
	int fd;

	if ((fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		fatal("cannot open state directory %s", state_dir);
	chown_tree(fd, state_dir, ru->uid, ru->gid, 0);
	close(fd);
}

/*
 * Switch only the effective IDs (to ru, or back to root when ru is NULL):
 * the store must be opened as its owner, since it refuses a key file that
 * is not the opener's, and files it creates must be born the user's.
 */
static void
effective_ids(const struct run_user *ru)
{
	if (ru != NULL) {
		if (setegid(ru->gid) == -1 || seteuid(ru->uid) == -1)
			fatal("user %s: cannot switch effective IDs", ru->name);
	} else if (seteuid(0) == -1 || setegid(0) == -1) {
		fatal("cannot switch back to root");
	}
}

static void
drop_privileges(const struct run_user *ru, const char *state_dir)
{
	state_dir_give(ru, state_dir);
	/* The account's own supplementary groups (e.g. kvm for a qemu host), not root's. */
	if (initgroups(ru->name, ru->gid) == -1)
		fatal("user %s: cannot set supplementary groups", ru->name);
	if (setresgid(ru->gid, ru->gid, ru->gid) == -1)
		fatal("user %s: cannot set group ID %ld", ru->name, (long)ru->gid);
	if (setresuid(ru->uid, ru->uid, ru->uid) == -1)
		fatal("user %s: cannot set user ID %ld", ru->name, (long)ru->uid);
	/* Trust, but verify: every ID changed, and root cannot be had back. */
	{
		uid_t r, e, sv;
		gid_t gr, ge, gs;

		if (getresuid(&r, &e, &sv) == -1 || r != ru->uid || e != ru->uid || sv != ru->uid ||
		    getresgid(&gr, &ge, &gs) == -1 || gr != ru->gid || ge != ru->gid || gs != ru->gid)
			fatalx("user %s: the user and group IDs did not all change", ru->name);
	}
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("user %s: root privileges could be regained after dropping them", ru->name);
	if (ru->gid != 0 && (setgid(0) != -1 || setegid(0) != -1))
		fatalx("user %s: group 0 could be regained after dropping it", ru->name);
	/* Journals, the socket's removal, `sdr import`: the directory must stay usable. */
	if (access(state_dir, R_OK | W_OK | X_OK) == -1)
		fatal("user %s cannot use state directory %s (every directory above it must be "
		      "searchable by that user)",
		    ru->name, state_dir);
	log_info("running as user %s (uid %ld, gid %ld)", ru->name, (long)ru->uid, (long)ru->gid);
}

int
daemon_check(const struct config *cfg, const char *cli_admin_password_file)
{
	char pw[BMC_PASSWORD_MAX + 1], err[CONFIG_PATH_MAX + 128];
	const char *admin_file = cli_admin_password_file;
	struct run_user ru;
	int rc = 0;
	size_t i;

	if (run_user_resolve(cfg, &ru, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		rc = -1;
	}
	for (i = 0; i < cfg->nusers; i++) {
		const struct config_user *cu = &cfg->users[i];

		if (config_user_password(cu, pw, sizeof(pw), err, sizeof(err)) == -1) {
			log_warnx("user %s: %s", cu->name, err);
			rc = -1;
		} else if (check_policy(cu->name, pw, &cfg->bmc) == -1) {
			rc = -1;
		}
	}
	if (admin_file == NULL && cfg->admin_password_file[0] != '\0')
		admin_file = cfg->admin_password_file;
	if (admin_file != NULL) {
		if (read_password_file(admin_file, pw, sizeof(pw), err, sizeof(err)) == -1) {
			log_warnx("admin password file: %s", err);
			rc = -1;
		} else if (check_policy(admin_file, pw, &cfg->bmc) == -1) {
			rc = -1;
		}
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	if (cfg->sdr_import[0] != '\0' && check_sdr_import(cfg) == -1)
		rc = -1;
	return rc;
}

/* ---- state directory and lock ---- */

static void
state_dir_prepare(const char *dir)
{
	struct stat sb;

	if (mkdir(dir, S_IRWXU) == -1 && errno != EEXIST)
		fatal("cannot create state directory %s", dir);
	if (stat(dir, &sb) == -1)
		fatal("state directory %s", dir);
	if (!S_ISDIR(sb.st_mode))
		fatalx("state directory %s is not a directory", dir);
	if (sb.st_mode & (S_IRWXG | S_IRWXO))
		log_warnx("state directory %s is accessible by group or others (mode %03o); it holds "
		          "secrets: chmod 700 it",
		    dir, (unsigned)(sb.st_mode & 0777));
}

/*
 * Two daemons on one state directory would share the database and fight
 * over the control socket; the second must stop before touching either.
 */
static int
state_dir_lock(const char *path, const char *dir)
{
	char buf[32];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR)) == -1)
		fatal("cannot open lock file %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK)
			fatal("cannot lock %s", path);
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		fatalx("another ghostbmcd%s%s%s is already running with state directory %s",
		    buf[0] ? " (pid " : "", buf, buf[0] ? ")" : "", dir);
	}
	/* The pid is for the message above only; the lock is what counts. */
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "%ld\n", (long)getpid());
	return fd;
}

/* ---- loading the instance ---- */

static void
load_user_cb(void *arg, const struct bmc_user *u)
{
	struct instance *inst = arg;

	bmc_user_restore(inst->bmc, u);
}

struct load_params {
	struct instance *inst;
	bool guid_seen;
};

static void
load_param_cb(void *arg, const char *key, const uint8_t *val, size_t len)
{
	struct load_params *lp = arg;
	enum bmc_param p;

	if ((p = bmc_param_by_key(key)) == BMC_PARAM_COUNT) {
		/* A newer version may have written it; keep it, ignore it. */
		log_warnx("%s: unknown stored parameter %s ignored", lp->inst->name, key);
		return;
	}
	if (p == BMC_PARAM_SYSTEM_GUID)
		lp->guid_seen = true;
	if (bmc_param_import(lp->inst->bmc, p, val, len) < 0)
		log_warnx("%s: stored parameter %s is malformed (%zu bytes); using the default",
		    lp->inst->name, key, len);
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return false;
	return true;
}

static void
instance_load(struct instance *inst, bool save_guid)
{
	struct load_params lp = {inst, false};
	struct bmc_fx fx = {FX_SAVE_PARAM, BMC_PARAM_SYSTEM_GUID};

	if (store_user_load(inst->store, inst->name, load_user_cb, inst) == -1)
		fatalx("%s: cannot load users: %s", inst->name, store_errmsg(inst->store));
	if (store_param_load(inst->store, inst->name, load_param_cb, &lp) == -1)
		fatalx("%s: cannot load parameters: %s", inst->name, store_errmsg(inst->store));
	/*
	 * A GUID generated by bmc_new() must survive restarts, or clients that
	 * track BMCs by GUID would see a new machine every time.
	 */
	if (!lp.guid_seen && save_guid && instance_commit(inst, &fx, 1) == -1)
		fatalx("%s: cannot save the generated system GUID", inst->name);
}

/* ---- credentials ---- */

/* Create or update a user and commit it; fatal on failure (start-up only). */
static uint8_t
provision_user(
    struct instance *inst, const char *name, const char *pw, uint8_t priv, bool enabled, const char *source)
{
	struct bmc_fx fx = {FX_SAVE_USER, 0};
	struct bmc_user u;
	int r;

	char why[160];

	r = bmc_user_add(inst->bmc, name, (const uint8_t *)pw, strlen(pw), priv);
	if (r == BMC_ERR_POLICY) {
		if (bmc_password_problem(
		        bmc_get_conf(inst->bmc), (const uint8_t *)pw, strlen(pw), why, sizeof(why)) == NULL)
			snprintf(why, sizeof(why), "the password does not meet the policy");
		fatalx("%s: user %s: %s", source, name, why);
	}
	if (r < 0)
		fatalx("%s: user %s: %s", source, name, bmc_strerror(r));
	if (!enabled) {
		u = *bmc_user_get(inst->bmc, (uint8_t)r);
		u.enabled = false;
		bmc_user_restore(inst->bmc, &u);
	}
	fx.arg = (uint32_t)r;
	if (instance_commit(inst, &fx, 1) == -1)
		fatalx("%s: cannot save user %s", inst->name, name);
	log_info("%s: user %s (ID %d, %s%s) set from %s", inst->name, name, r,
	    config_priv_name(priv) != NULL ? config_priv_name(priv) : "?", enabled ? "" : ", disabled",
	    source);
	return (uint8_t)r;
}

/*
 * 20 characters without look-alikes (0/O, 1/l/I), for reading off a screen:
 * 57 symbols, about 117 bits.  Rejection sampling keeps every symbol equally
 * likely.
 */
static void
generate_password(char *pw, size_t len)
{
	/* Unambiguous letters and digits, and two marks that need no quoting in a shell. */
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_";
	const unsigned n = sizeof(alphabet) - 1;
	const unsigned limit = 256 - 256 % n;
	uint8_t b[64];
	size_t i = 0, j;

	while (i < len) {
		rand_bytes(NULL, b, sizeof(b));
		for (j = 0; j < sizeof(b) && i < len; j++)
			if (b[j] < limit)
				pw[i++] = alphabet[b[j] % n];
	}
	pw[len] = '\0';
	OPENSSL_cleanse(b, sizeof(b));
}

/* Write a new password file, born 0600, synced.  0 or -1 (logged). */
static int
write_password_file(const char *path, const char *pw)
{
	size_t len = strlen(pw);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
	if (fd == -1) {
		log_warn("cannot create %s", path);
		return -1;
	}
	if (write(fd, pw, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) == -1) {
		log_warn("cannot write %s", path);
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Does the initial password file still hold admin's password?  Then it is worth pointing to. */
static bool
initial_password_current(struct instance *inst, const char *path)
{
	char pw[BMC_PASSWORD_MAX + 1], err[256];
	const struct bmc_user *u;
	uint8_t id;
	bool same;

	if ((id = bmc_user_find(inst->bmc, ADMIN_NAME)) == 0 || access(path, F_OK) == -1)
		return false;
	if (read_password_file(path, pw, sizeof(pw), err, sizeof(err)) == -1)
		return false;
	u = bmc_user_get(inst->bmc, id);
	same = u->enabled && strlen(pw) == u->password_len &&
	    CRYPTO_memcmp(pw, u->password, u->password_len) == 0;
	OPENSSL_cleanse(pw, sizeof(pw));
	return same;
}

static bool
free_slot(struct instance *inst)
{
	uint8_t id;

	/* ID 1 is the anonymous slot, never given a name. */
	for (id = 2; id <= BMC_MAX_USERS; id++)
		if (!bmc_user_get(inst->bmc, id)->defined)
			return true;
	return false;
}

/*
 * Secure by default: no built-in account, but never a BMC nobody can log in
 * to.  Returns true when a password was generated this time.
 */
static bool
ensure_admin(struct daemon *d, struct instance *inst)
{
	char pw[GENERATED_PASSWORD_LEN + 1], why[160], err[256];
	bool generated = false;
	uint8_t id;

	if (instance_has_admin(inst))
		return false;
	id = bmc_user_find(inst->bmc, ADMIN_NAME);
	if (id != 0 && access(d->initial_pw_path, F_OK) == 0) {
		/*
		 * The generated admin exists but was disabled or demoted since:
		 * an operator's decision, not ours to undo at every start.
		 */
		log_warnx("%s: no enabled administrator; user %s (ID %u) exists but is disabled or not an "
		          "administrator, so no password is generated (%s is from an earlier start); add one "
		          "with: ghostbmc user add NAME --priv administrator",
		    inst->name, ADMIN_NAME, id, d->initial_pw_path);
		return false;
	}
	if (id == 0 && !free_slot(inst)) {
		/* Every slot but the anonymous one is taken: the operator's CLI still works. */
		log_warnx("%s: no enabled administrator and no free user slot for one; make room with "
		          "ghostbmc user del, then restart",
		    inst->name);
		return false;
	}
	if (id != 0 && bmc_user_get(inst->bmc, id)->priv_limit != PRIV_ADMIN)
		log_warnx("%s: user %s (ID %u) becomes an administrator with a new password", inst->name,
		    ADMIN_NAME, id);
	if (d->ninst > 1) {
		/*
		 * A fleet shares one generated password: the file's, when an earlier
		 * start wrote it (members added since get the same), else a new one.
		 */
		if (d->fleet_pw[0] == '\0' &&
		    read_password_file(
		        d->initial_pw_path, d->fleet_pw, sizeof(d->fleet_pw), err, sizeof(err)) == -1) {
			do
				generate_password(d->fleet_pw, GENERATED_PASSWORD_LEN);
			while (bmc_password_problem(bmc_get_conf(inst->bmc), (const uint8_t *)d->fleet_pw,
			           strlen(d->fleet_pw), why, sizeof(why)) != NULL);
			if (write_password_file(d->initial_pw_path, d->fleet_pw) == -1)
				fatalx("cannot store the generated administrator password");
			generated = true;
			log_warnx(
			    "fleet: no administrator was configured: generated one password for user %s "
			    "of every instance in %s (mode 0600)",
			    ADMIN_NAME, d->initial_pw_path);
		}
		provision_user(inst, ADMIN_NAME, d->fleet_pw, PRIV_ADMIN, true, "first start");
		return generated;
	}
	/* Any older file holds a password nobody can use any more. */
	if (unlink(d->initial_pw_path) == -1 && errno != ENOENT)
		fatal("cannot remove stale %s", d->initial_pw_path);
	/* Twenty characters from 59 meet any kinds-of-characters policy after a few draws. */
	do
		generate_password(pw, GENERATED_PASSWORD_LEN);
	while (bmc_password_problem(
	           bmc_get_conf(inst->bmc), (const uint8_t *)pw, strlen(pw), why, sizeof(why)) != NULL);
	/* File first: an account whose password was never written down would lock everyone out. */
	if (write_password_file(d->initial_pw_path, pw) == -1)
		fatalx("cannot store the generated administrator password");
	provision_user(inst, ADMIN_NAME, pw, PRIV_ADMIN, true, "first start");
	OPENSSL_cleanse(pw, sizeof(pw));
	log_warnx("%s: no administrator was configured: generated a password for user %s in %s "
	          "(mode 0600)",
	    inst->name, ADMIN_NAME, d->initial_pw_path);
	return true;
}

static void
provision_credentials(struct instance *inst, const struct config *cfg, const char *admin_file)
{
	char pw[BMC_PASSWORD_MAX + 1], err[CONFIG_PATH_MAX + 128];
	size_t i;

	for (i = 0; i < cfg->nusers; i++) {
		const struct config_user *cu = &cfg->users[i];

		if (config_user_password(cu, pw, sizeof(pw), err, sizeof(err)) == -1)
			fatalx("configuration: user %s: %s", cu->name, err);
		if (cu->has_inline_password && cu->password_file[0] == '\0')
			log_warnx(
			    "configuration: user %s has an inline password; prefer password_file", cu->name);
		provision_user(inst, cu->name, pw, cu->privilege, cu->enabled, "the configuration");
	}
	if (admin_file == NULL && cfg->admin_password_file[0] != '\0')
		admin_file = cfg->admin_password_file;
	if (admin_file != NULL) {
		if (read_password_file(admin_file, pw, sizeof(pw), err, sizeof(err)) == -1)
			fatalx("admin password file %s", err);
		provision_user(inst, ADMIN_NAME, pw, PRIV_ADMIN, true, admin_file);
	}
	OPENSSL_cleanse(pw, sizeof(pw));
}

/* ---- banner ---- */

static void
log_banner(struct daemon *d, bool generated)
{
	struct instance *inst = d->inst[0];
	const struct bmc_addr *a0 = &inst->listen[0];
	char line[1024], a[64], b[64], host[INET6_ADDRSTRLEN];
	size_t i, off;

	if (d->ninst > 1) {
		config_format_addr(a0, a, sizeof(a));
		config_format_addr(&d->inst[d->ninst - 1]->listen[0], b, sizeof(b));
		log_info("ghostbmcd %s: a fleet of %zu instances, %s (%s) to %s (%s)", GHOSTBMC_VERSION,
		    d->ninst, inst->name, a, d->inst[d->ninst - 1]->name, b);
	} else {
		off = (size_t)snprintf(line, sizeof(line), "ghostbmcd %s: instance %s listening on",
		    GHOSTBMC_VERSION, inst->name);
		for (i = 0; i < inst->nlisten && off < sizeof(line); i++) {
			config_format_addr(&inst->listen[i], a, sizeof(a));
			off += (size_t)snprintf(line + off, sizeof(line) - off, "%s %s", i ? "," : "", a);
		}
		log_info("%s", line);
	}
	log_info("control socket %s", d->sock_path);
	if (!generated && !initial_password_current(inst, d->initial_pw_path))
		return;
	/* A wildcard address is not one to connect to: use loopback of the same family. */
	if (a0->family == 4 && all_zero(a0->ip, 4))
		snprintf(host, sizeof(host), "127.0.0.1");
	else if (a0->family == 6 && all_zero(a0->ip, 16))
		snprintf(host, sizeof(host), "::1");
	else if (inet_ntop(a0->family == 4 ? AF_INET : AF_INET6, a0->ip, host, sizeof(host)) == NULL)
		return;
	log_info("log in with: ipmitool -I lanplus -H %s -p %u -U %s -f %s mc info", host, a0->port,
	    ADMIN_NAME, d->initial_pw_path);
}

/* ---- the shared clock ---- */

/*
 * One timer for the whole process instead of two per instance: every turn
 * ticks each instance (sessions, SOL, watchdog) and samples a quarter of
 * them, so each host's sensors still advance once a second and a fleet's
 * sampling is spread over the second instead of arriving at once.
 */
static void
clock_cb(uv_timer_t *t)
{
	struct daemon *d = t->data;
	size_t i;
	unsigned p;

	/*
	 * One transaction for the turn: a fleet's sensor events and chassis
	 * counters (power-on hours tick every minute in every member) cost one
	 * fsync, not one per instance.  Nothing here answers a client.
	 */
	if (store_begin(d->store) == -1)
		log_warnx("clock: cannot begin a transaction: %s", store_errmsg(d->store));
	for (i = 0; i < d->ninst; i++) {
		lan_tick(d->inst[i]);
		if (i % 4 == d->clock_phase)
			host_sample(d->inst[i]);
	}
	d->clock_phase = (d->clock_phase + 1) % 4;
	if (store_commit(d->store) == 0)
		return;
	/* Memory must show what the store holds again. */
	log_warnx(
	    "clock: commit failed: %s; reloading the event logs and parameters", store_errmsg(d->store));
	for (i = 0; i < d->ninst; i++) {
		(void)instance_reload_sel(d->inst[i]);
		for (p = 0; p < BMC_PARAM_COUNT; p++)
			(void)instance_reload_param(d->inst[i], (enum bmc_param)p);
	}
}

/* ---- signals and shutdown ---- */

static void
signal_close(uv_signal_t *s)
{
	(void)uv_signal_stop(s);
	uv_close((uv_handle_t *)s, NULL);
}

static void
daemon_stop(struct daemon *d)
{
	size_t i;

	if (d->stopping)
		return;
	d->stopping = true;
	(void)uv_timer_stop(&d->clock);
	uv_close((uv_handle_t *)&d->clock, NULL);
	for (i = 0; i < d->ninst; i++) {
		lan_close(d->inst[i]);
		host_close(d->inst[i]);
	}
	ctl_close(d->ctl);
	d->ctl = NULL;
	signal_close(&d->sigint);
	signal_close(&d->sigterm);
	signal_close(&d->sighup);
}

static void
on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;

	if (signum == SIGHUP) {
		log_warnx("SIGHUP: reloading the configuration is not supported yet; restart ghostbmcd");
		return;
	}
	log_info("%s: shutting down", signum == SIGINT ? "SIGINT" : "SIGTERM");
	daemon_stop(d);
}

static void
signal_open(struct daemon *d, uv_signal_t *s, int signum)
{
	int r;

	s->data = d;
	if ((r = uv_signal_init(&d->loop, s)) < 0 || (r = uv_signal_start(s, on_signal, signum)) < 0)
		fatalx("signal %d: %s", signum, uv_strerror(r));
}

static void
walk_leak(uv_handle_t *h, void *arg)
{
	(void)arg;
	log_warnx("shutdown: handle %s still open", uv_handle_type_name(uv_handle_get_type(h)));
}

/* ---- the whole life ---- */

/* A fleet needs a descriptor per instance: raise the soft limit as far as the hard one allows. */
static void
raise_fd_limit(size_t ninst)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)ninst + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < want)
		fatalx("fleet: %zu instances need %llu file descriptors; the limit is %llu (raise it with "
		       "ulimit -n or LimitNOFILE=)",
		    ninst, (unsigned long long)want, (unsigned long long)rl.rlim_cur);
}

/* Member i: its own core, store rows, listener, SEL, FRUs, sensors and credentials. */
static void
instance_setup(struct daemon *d, struct config *cfg, size_t i, const char *admin_file, bool *generated)
{
	struct bmc_env env = {rand_bytes, log_bmc, NULL};
	char err[CONFIG_PATH_MAX + 256];
	struct config_fleet_member m;
	struct instance *inst;
	struct bmc_conf conf = cfg->bmc;
	bool fleet = cfg->fleet.count > 0;

	if ((inst = calloc(1, sizeof(*inst))) == NULL)
		fatal("calloc");
	d->inst[i] = inst;
	if (config_fleet_member(cfg, (unsigned)i, &m, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (fleet) {
		snprintf(conf.name, sizeof(conf.name), "%s", m.name);
		memcpy(conf.system_guid, m.system_guid, 16);
		memset(conf.device_guid, 0, 16);
		memset(conf.mac, 0, 6);
		conf.lan_addr = m.listen;
		conf.initial_power_on = m.power_on;
	}
	inst->store = d->store;
	inst->loop = &d->loop;
	inst->shared_clock = true;
	if ((inst->bmc = bmc_new(&env, &conf)) == NULL)
		fatalx("cannot create the BMC instance");
	inst->name = bmc_get_conf(inst->bmc)->name;
	if (fleet) {
		inst->listen[0] = m.listen;
		inst->nlisten = 1;
	} else {
		memcpy(inst->listen, cfg->listen, cfg->nlisten * sizeof(cfg->listen[0]));
		inst->nlisten = cfg->nlisten;
	}
	instance_snapshot_defaults(inst);
	/* A fleet member's GUID is derived from its number at every start: nothing to keep. */
	instance_load(inst, !fleet && all_zero(cfg->bmc.system_guid, sizeof(cfg->bmc.system_guid)));
	inst->cfg = cfg;
	if (fleet)
		snprintf(inst->sdr_import_path, sizeof(inst->sdr_import_path), "%s/sdr-import-%s.bin",
		    cfg->state_dir, inst->name);
	else
		snprintf(inst->sdr_import_path, sizeof(inst->sdr_import_path), "%s/%s", cfg->state_dir,
		    DAEMON_SDR_IMPORT_NAME);
	if (host_configure_frus(inst, err, sizeof(err)) == -1 ||
	    host_configure_sensors(inst, false, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (instance_reload_sel(inst) == -1)
		fatalx("%s: cannot read the SEL", inst->name);
	log_debug("%s: SEL: %zu entries", inst->name, bmc_sel_count(inst->bmc));

	/* Bind before changing any account, so that a taken port changes nothing. */
	if (lan_start(inst, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (console_init(inst, fleet ? CONSOLE_LOG_FLEET : CONSOLE_LOG_DEFAULT) == -1)
		fatalx("console log: out of memory");
	if (cfg->host_type == CONFIG_HOST_EXEC)
		inst->backend = &host_backend_exec;
	else if (cfg->host_type == CONFIG_HOST_QEMU)
		inst->backend = &host_backend_qemu;
	/* Password files may be readable by root only: read them before dropping it. */
	provision_credentials(inst, cfg, admin_file);
	*generated |= ensure_admin(d, inst);
}

int
daemon_run(struct config *cfg, const char *cli_admin_password_file)
{
	char err[CONFIG_PATH_MAX + 256];
	struct run_user ru;
	struct daemon *d;
	bool generated = false;
	int r, rc = 0, verbose;
	size_t i;

	if (cfg->log_level == BMC_LOG_DEBUG && log_getverbose() < 1)
		log_setverbose(1);
	else if (cfg->log_level == BMC_LOG_WARN && log_getverbose() == 0)
		log_setverbose(-1);
	if (cfg->nlisten == 0) {
		if (config_parse_addr("0.0.0.0:623", &cfg->listen[0]) == -1)
			fatalx("default listen address");
		cfg->nlisten = 1;
	}
	if (cfg->fleet.count > 0 && cfg->host_type != CONFIG_HOST_SIM)
		fatalx("fleet: every member governs the simulated host; the exec and qemu backends govern "
		       "one machine each (run one ghostbmcd per machine)");
	if (config_fleet_check(cfg, err, sizeof(err)) == -1)
		fatalx("%s", err);
	cfg->bmc.lan_addr = cfg->listen[0];
	cfg->bmc.initial_power_on = cfg->host.power_on;
	/* A misspelt account fails before anything is touched. */
	if (run_user_resolve(cfg, &ru, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (geteuid() == 0 && !ru.drop)
		log_warnx("running as root: start with --user NAME (or `user:` in the configuration) to "
		          "drop root after binding, or run as an unprivileged user with "
		          "CAP_NET_BIND_SERVICE (contrib/ghostbmcd.service)");

	if ((d = calloc(1, sizeof(*d))) == NULL)
		fatal("calloc");
	d->ninst = cfg->fleet.count > 0 ? cfg->fleet.count : 1;
	if ((d->inst = calloc(d->ninst, sizeof(*d->inst))) == NULL)
		fatal("calloc");
	if (d->ninst > 1)
		raise_fd_limit(d->ninst);
	snprintf(d->sock_path, sizeof(d->sock_path), "%s/%s", cfg->state_dir, CTL_SOCKET_NAME);
	snprintf(d->lock_path, sizeof(d->lock_path), "%s/%s", cfg->state_dir, DAEMON_LOCK_NAME);
	snprintf(d->initial_pw_path, sizeof(d->initial_pw_path), "%s/%s", cfg->state_dir,
	    DAEMON_INITIAL_PASSWORD_NAME);

	state_dir_prepare(cfg->state_dir);
	d->lockfd = state_dir_lock(d->lock_path, cfg->state_dir);
	/* Ours now; the state is the user's from the start, whoever owned it last. */
	if (ru.drop)
		state_dir_give(&ru, cfg->state_dir);
	if (ru.drop)
		effective_ids(&ru);
	d->store = store_open(cfg->state_dir, err, sizeof(err));
	if (ru.drop)
		effective_ids(NULL);
	if (d->store == NULL)
		fatalx("%s", err);
	if ((r = uv_loop_init(&d->loop)) < 0)
		fatalx("uv_loop_init: %s", uv_strerror(r));

	/*
	 * All members' start-up writes (users, stored GUIDs) are one transaction:
	 * a fleet of 10000 starts with one fsync, not 10000.  A member's
	 * per-instance log lines are debug-level beyond the first.
	 */
	if (store_begin(d->store) == -1)
		fatalx("cannot begin a transaction: %s", store_errmsg(d->store));
	verbose = log_getverbose();
	for (i = 0; i < d->ninst; i++) {
		instance_setup(d, cfg, i, cli_admin_password_file, &generated);
		if (i == 0 && d->ninst > 1 && verbose < 1)
			log_setverbose(-1);
	}
	log_setverbose(verbose);
	if (store_commit(d->store) == -1)
		fatalx("cannot commit the start-up state: %s", store_errmsg(d->store));
	if ((d->ctl = ctl_open(d->inst, d->ninst, d->sock_path, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	/*
	 * Everything that needs root is done.  The host backend starts after
	 * this, so the processes the exec and qemu backends spawn run as the
	 * dropped user too.
	 */
	if (ru.drop)
		drop_privileges(&ru, cfg->state_dir);
	/* The hosts' first samples and power-on records: one transaction too. */
	if (store_begin(d->store) == -1)
		fatalx("cannot begin a transaction: %s", store_errmsg(d->store));
	for (i = 0; i < d->ninst; i++) {
		struct instance *inst = d->inst[i];
		struct sim_params hp = cfg->host;

		/* Each instance's noise differs, and stays the same across restarts. */
		memcpy(&hp.seed, bmc_get_conf(inst->bmc)->system_guid, sizeof(hp.seed));
		if (d->ninst > 1)
			hp.console_queue = CONSOLE_LOG_FLEET;
		if (host_start(inst, &hp, err, sizeof(err)) == -1)
			fatalx("%s", err);
		if (i == 0 && d->ninst > 1 && verbose < 1)
			log_setverbose(-1);
	}
	log_setverbose(verbose);
	if (store_commit(d->store) == -1)
		fatalx("cannot commit the hosts' start: %s", store_errmsg(d->store));
	d->clock.data = d;
	if ((r = uv_timer_init(&d->loop, &d->clock)) < 0 ||
	    (r = uv_timer_start(&d->clock, clock_cb, BMC_TICK_MS, BMC_TICK_MS)) < 0)
		fatalx("timer: %s", uv_strerror(r));
	signal_open(d, &d->sigint, SIGINT);
	signal_open(d, &d->sigterm, SIGTERM);
	signal_open(d, &d->sighup, SIGHUP);
	log_banner(d, generated);

	uv_run(&d->loop, UV_RUN_DEFAULT);

	if ((r = uv_loop_close(&d->loop)) != 0) {
		uv_walk(&d->loop, walk_leak, NULL);
		log_warnx("shutdown: event loop not empty: %s", uv_strerror(r));
		rc = 1;
	}
	for (i = 0; i < d->ninst; i++) {
		struct instance *inst = d->inst[i];

		sim_free(inst->sim);
		console_free(inst);
		bmc_free(inst->bmc);
		OPENSSL_cleanse(inst, sizeof(*inst));
		free(inst);
	}
	free(d->inst);
	store_close(d->store);
	close(d->lockfd);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
	log_info("stopped");
	return rc;
}
