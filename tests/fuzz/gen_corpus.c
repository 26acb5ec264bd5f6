/*
 * Seeds for the fuzz targets, and checks that the committed corpora still do
 * what they are there for.
 *
 *   gen_corpus session DIR          one request (or a few) per command in the dispatch table
 *   gen_corpus datagram DIR         sessionless requests, session setup, whole logins
 *   gen_corpus check-session DIR    every dispatch table row has a seed of a valid length
 *   gen_corpus check-datagram DIR   every login-* seed still ends with an active session
 *
 * Datagram seeds are recorded from the test console (tests/unit/client.c)
 * logging in to the very instance the fuzz target builds (fuzz_datagram.h):
 * this program is linked with --wrap=bmc_handle_datagram, so every packet
 * the console sends is written down as a record of the sequence format.
 * Because every input starts from the same instance and the same "random"
 * numbers, the recorded AuthCodes and keys stay valid when it is replayed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "core/crypto.h"
#include "core/rmcp.h"

#include "fuzz_datagram.h"

int __real_bmc_handle_datagram(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src,
    const uint8_t *bytes, size_t len, struct bmc_out *out);
int __wrap_bmc_handle_datagram(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src,
    const uint8_t *bytes, size_t len, struct bmc_out *out);

static const char *outdir;

static void
write_seed(const char *name, const uint8_t *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex digits, spaces ignored; a "quoted" run is copied as text. */
static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		if (*s == ' ') {
			s++;
		} else if (*s == '"') {
			for (s++; *s && *s != '"' && n < cap; s++)
				out[n++] = (uint8_t)*s;
			if (*s == '"')
				s++;
		} else {
			int hi = hexval(s[0]), lo = hexval(s[1]);
			if (hi < 0 || lo < 0 || n == cap) {
				fprintf(stderr, "bad hex at \"%s\"\n", s);
				exit(1);
			}
			out[n++] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
	}
	return n;
}

/* ---------------------------------------------------------------- session */

/* Byte 0 (netFn, privilege), cmd, request data (hex; "text" copied; zero padding written out). */
static const struct {
	uint8_t netfn, cmd;
	const char *data, *name;
} session_seeds[] = {
    /* Chassis */
    {0x00, 0x00, "", "chassis-capabilities"},
    {0x00, 0x01, "", "chassis-status"},
    {0x00, 0x02, "00", "chassis-power-down"},
    {0x00, 0x02, "01", "chassis-power-up"},
    {0x00, 0x02, "02", "chassis-power-cycle"},
    {0x00, 0x02, "03", "chassis-hard-reset"},
    {0x00, 0x02, "04", "chassis-diag-interrupt"},
    {0x00, 0x02, "05", "chassis-soft-off"},
    {0x00, 0x04, "", "chassis-identify"},
    {0x00, 0x04, "0f", "chassis-identify-15s"},
    {0x00, 0x04, "0001", "chassis-identify-force"},
    {0x00, 0x06, "02", "restore-policy-on"},
    {0x00, 0x06, "03", "restore-policy-query"},
    {0x00, 0x07, "", "restart-cause"},
    {0x00, 0x08, "0001", "boot-set-in-progress"},
    {0x00, 0x08, "0100", "boot-partition-selector"},
    {0x00, 0x08, "0201", "boot-partition-scan"},
    {0x00, 0x08, "031f", "boot-valid-bit-clearing"},
    {0x00, 0x08, "040101", "boot-info-ack"},
    {0x00, 0x08, "05 e0 04 00 00 00", "boot-flags-pxe"},
    {0x00, 0x08, "05 a0 08 00 00 00", "boot-flags-disk-once"},
    {0x00, 0x08, "06 01 01020304 05060708", "boot-initiator-info"},
    {0x00, 0x08, "07 00 574e4f4f420000000000000000000000", "boot-mailbox"},
    {0x00, 0x09, "000000", "boot-get-in-progress"},
    {0x00, 0x09, "030000", "boot-get-valid-bit-clearing"},
    {0x00, 0x09, "040000", "boot-get-info-ack"},
    {0x00, 0x09, "050000", "boot-get-flags"},
    {0x00, 0x09, "060000", "boot-get-initiator-info"},
    {0x00, 0x09, "070100", "boot-get-mailbox-block1"},
    {0x00, 0x0b, "05", "power-cycle-interval"},
    {0x00, 0x0f, "", "poh-counter"},
    /* Sensor/Event */
    {0x04, 0x20, "", "device-sdr-info"},
    {0x04, 0x20, "01", "device-sdr-info-count"},
    {0x04, 0x21, "0000 0000 00 ff", "device-sdr-first"},
    {0x04, 0x22, "", "device-sdr-reserve"},
    {0x04, 0x23, "10 80", "reading-factors-12v"},
    {0x04, 0x24, "04 ff 02 02", "hysteresis-set-inlet"},
    {0x04, 0x25, "04 ff", "hysteresis-get-inlet"},
    {0x04, 0x26, "20 07 01 02 03 00 00 00", "thresholds-set-fan1"},
    {0x04, 0x27, "04", "thresholds-get-inlet"},
    {0x04, 0x27, "20", "thresholds-get-fan1"},
    {0x04, 0x28, "04 90 ff 0f ff 0f", "event-enable-set-inlet"},
    {0x04, 0x28, "44 a0 01 00", "event-enable-clear-intrusion"},
    {0x04, 0x29, "04", "event-enable-get-inlet"},
    {0x04, 0x29, "44", "event-enable-get-intrusion"},
    {0x04, 0x2a, "04 00 01 00 00 00", "rearm-selected-inlet"},
    {0x04, 0x2b, "04", "event-status-inlet"},
    {0x04, 0x2b, "42", "event-status-psu1"},
    {0x04, 0x2d, "01", "reading-cpu1"},
    {0x04, 0x2d, "10", "reading-12v"},
    {0x04, 0x2d, "30", "reading-psu1-power"},
    {0x04, 0x2d, "40", "reading-cpu1-status"},
    {0x04, 0x2d, "44", "reading-intrusion"},
    {0x04, 0x2d, "99", "reading-missing"},
    {0x04, 0x2f, "04", "sensor-type-inlet"},
    {0x04, 0x2f, "45", "sensor-type-power-unit"},
    /* App */
    {0x06, 0x01, "", "device-id"},
    {0x06, 0x02, "", "cold-reset"},
    {0x06, 0x03, "", "warm-reset"},
    {0x06, 0x04, "", "self-test"},
    {0x06, 0x07, "", "acpi-power-state"},
    {0x06, 0x08, "", "device-guid"},
    {0x06, 0x22, "", "watchdog-reset"},
    {0x06, 0x24, "04 01 00 3e 64 00", "watchdog-set-hard-reset"},
    {0x06, 0x24, "44 13 05 3e 32 00", "watchdog-set-pretimeout-cycle"},
    {0x06, 0x24, "03 00 00 00 0a 00", "watchdog-set-os-load"},
    {0x06, 0x25, "", "watchdog-get"},
    {0x06, 0x2e, "0f", "global-enables-set"},
    {0x06, 0x2f, "", "global-enables-get"},
    {0x06, 0x30, "0f", "message-flags-clear"},
    {0x06, 0x31, "", "message-flags-get"},
    {0x06, 0x33, "", "get-message"},
    {0x06, 0x35, "", "event-message-buffer"},
    {0x06, 0x37, "", "system-guid"},
    {0x06, 0x38, "8e 04", "auth-caps-v2"},
    {0x06, 0x38, "01 02", "auth-caps-channel1"},
    {0x06, 0x39, "02 \"admin\" 0000000000000000000000", "session-challenge-md5"},
    {0x06, 0x3a, "02 04 00000000000000000000000000000000 01000000", "activate-session"},
    {0x06, 0x3b, "04", "session-privilege-admin"},
    {0x06, 0x3b, "02", "session-privilege-user"},
    {0x06, 0x3c, "04030201", "close-session-bad-sid"},
    {0x06, 0x3c, "00000000 01", "close-session-handle1"},
    {0x06, 0x3d, "00", "session-info-current"},
    {0x06, 0x3d, "01", "session-info-1"},
    {0x06, 0x3d, "fe 01", "session-info-handle"},
    {0x06, 0x3d, "ff 01020304", "session-info-sid"},
    {0x06, 0x40, "01 42 44", "channel-access-set"},
    {0x06, 0x41, "01 40", "channel-access-get-nv"},
    {0x06, 0x41, "01 80", "channel-access-get-volatile"},
    {0x06, 0x42, "0e", "channel-info-current"},
    {0x06, 0x42, "0f", "channel-info-system"},
    {0x06, 0x43, "91 03 04", "user-access-set"},
    {0x06, 0x43, "81 02 03 00", "user-access-set-limit"},
    {0x06, 0x44, "01 02", "user-access-get"},
    {0x06, 0x45, "03 \"bob\" 00000000000000000000000000", "user-name-set"},
    {0x06, 0x46, "02", "user-name-get"},
    {0x06, 0x47, "02 02 \"Fuzz-Pass-123\" 000000", "user-password-set"},
    {0x06, 0x47, "02 01", "user-enable"},
    {0x06, 0x47, "83 02 \"Twenty-Byte-Password\"", "user-password-set-20"},
    {0x06, 0x47, "82 03 \"Fuzz-Pass-123\" 00000000000000", "user-password-test-20"},
    {0x06, 0x47, "02 03 \"Fuzz-Pass-123\" 000000", "user-password-test"},
    {0x06, 0x48, "01 01 c6 00 00 00", "payload-activate-sol"},
    {0x06, 0x49, "01 01 00 00 00 00", "payload-deactivate-sol"},
    {0x06, 0x4a, "01", "payload-activation-status"},
    {0x06, 0x4b, "01 01", "payload-instance-info"},
    {0x06, 0x4c, "01 02 02 00 00 00", "user-payload-access-set"},
    {0x06, 0x4d, "01 02", "user-payload-access-get"},
    {0x06, 0x4e, "01", "channel-payload-support"},
    {0x06, 0x4f, "01 01", "channel-payload-version"},
    {0x06, 0x54, "0e 00 80", "cipher-suites-list0"},
    {0x06, 0x54, "0e 00 81", "cipher-suites-list1"},
    {0x06, 0x56, "01 00 01", "security-keys-read-kr"},
    {0x06, 0x56, "01 01 01 0000000000000000000000000000000000000000", "security-keys-set-kg-none"},
    {0x06, 0x56, "01 01 01 4b47", "security-keys-set-kg-short"},
    {0x06, 0x59, "00 01 00 00", "system-info-firmware"},
    {0x06, 0x59, "00 02 01 00", "system-info-name-block1"},
    {0x06, 0x59, "80 01 00 00", "system-info-revision-only"},
    /* Storage */
    {0x0a, 0x10, "00", "fru-info"},
    {0x0a, 0x11, "00 0000 20", "fru-read"},
    {0x0a, 0x12, "00 0800 01020304", "fru-write"},
    {0x0a, 0x20, "", "sdr-repo-info"},
    {0x0a, 0x21, "", "sdr-repo-alloc"},
    {0x0a, 0x22, "", "sdr-reserve"},
    {0x0a, 0x23, "0000 0000 00 ff", "sdr-get-first"},
    {0x0a, 0x23, "0100 0000 05 10", "sdr-get-partial"},
    {0x0a, 0x28, "", "sdr-repo-time"},
    {0x0a, 0x40, "", "sel-info"},
    {0x0a, 0x41, "", "sel-alloc"},
    {0x0a, 0x42, "", "sel-reserve"},
    {0x0a, 0x43, "0000 0000 00 ff", "sel-get-first"},
    {0x0a, 0x43, "0000 ffff 00 ff", "sel-get-last"},
    {0x0a, 0x44, "0000 02 00000000 4100 04 01 30 01 57 10 20", "sel-add"},
    {0x0a, 0x45, "0100 0000 00 00 0000 02 00000000 4100", "sel-partial-add"},
    {0x0a, 0x46, "0100 0100", "sel-delete"},
    {0x0a, 0x47, "0100 434c52 aa", "sel-clear"},
    {0x0a, 0x47, "0100 434c52 00", "sel-clear-status"},
    {0x0a, 0x48, "", "sel-time-get"},
    {0x0a, 0x49, "00f15365", "sel-time-set"},
    {0x0a, 0x5c, "", "sel-utc-offset-get"},
    {0x0a, 0x5d, "3c00", "sel-utc-offset-set"},
    /* Transport: every LAN parameter read, the writable ones written */
    {0x0c, 0x01, "01 00 01", "lan-set-in-progress"},
    {0x0c, 0x01, "01 02 00 00 00 00 00", "lan-set-auth-enables"},
    {0x0c, 0x01, "01 03 c0a80002", "lan-set-ip"},
    {0x0c, 0x01, "01 04 01", "lan-set-ip-source"},
    {0x0c, 0x01, "01 05 020000000001", "lan-set-mac-ro"},
    {0x0c, 0x01, "01 06 ffffff00", "lan-set-netmask"},
    {0x0c, 0x01, "01 07 40 40 10", "lan-set-ip-header"},
    {0x0c, 0x01, "01 0a 03", "lan-set-arp"},
    {0x0c, 0x01, "01 0b 04", "lan-set-garp"},
    {0x0c, 0x01, "01 0c c0a80001", "lan-set-gateway"},
    {0x0c, 0x01, "01 0d 020000000002", "lan-set-gateway-mac"},
    {0x0c, 0x01, "01 0e c0a800fe", "lan-set-backup-gateway"},
    {0x0c, 0x01, "01 0f 020000000003", "lan-set-backup-gateway-mac"},
    {0x0c, 0x01, "01 10 \"public\" 000000000000000000000000", "lan-set-community"},
    {0x0c, 0x01, "01 14 0a 80", "lan-set-vlan"},
    {0x0c, 0x01, "01 15 03", "lan-set-vlan-priority"},
    {0x0c, 0x01, "01 18 00 44 44 44 44 44 44 44 44", "lan-set-cipher-priv"},
    {0x0c, 0x01, "01 1a 01 05 0600 0600", "lan-set-bad-password"},
    {0x0c, 0x02, "01 00 00 00", "lan-get-00"},
    {0x0c, 0x02, "01 01 00 00", "lan-get-01"},
    {0x0c, 0x02, "01 02 00 00", "lan-get-02"},
    {0x0c, 0x02, "01 03 00 00", "lan-get-03"},
    {0x0c, 0x02, "01 04 00 00", "lan-get-04"},
    {0x0c, 0x02, "01 05 00 00", "lan-get-05"},
    {0x0c, 0x02, "01 06 00 00", "lan-get-06"},
    {0x0c, 0x02, "01 07 00 00", "lan-get-07"},
    {0x0c, 0x02, "01 08 00 00", "lan-get-08"},
    {0x0c, 0x02, "01 09 00 00", "lan-get-09"},
    {0x0c, 0x02, "01 0a 00 00", "lan-get-0a"},
    {0x0c, 0x02, "01 0b 00 00", "lan-get-0b"},
    {0x0c, 0x02, "01 0c 00 00", "lan-get-0c"},
    {0x0c, 0x02, "01 0d 00 00", "lan-get-0d"},
    {0x0c, 0x02, "01 0e 00 00", "lan-get-0e"},
    {0x0c, 0x02, "01 0f 00 00", "lan-get-0f"},
    {0x0c, 0x02, "01 10 00 00", "lan-get-10"},
    {0x0c, 0x02, "01 11 00 00", "lan-get-11"},
    {0x0c, 0x02, "01 14 00 00", "lan-get-14"},
    {0x0c, 0x02, "01 15 00 00", "lan-get-15"},
    {0x0c, 0x02, "01 16 00 00", "lan-get-16"},
    {0x0c, 0x02, "01 17 00 00", "lan-get-17"},
    {0x0c, 0x02, "01 18 00 00", "lan-get-18"},
    {0x0c, 0x02, "01 1a 00 00", "lan-get-1a"},
    {0x0c, 0x02, "81 03 00 00", "lan-get-revision-only"},
    {0x0c, 0x21, "01 00 01", "sol-set-in-progress"},
    {0x0c, 0x21, "01 01 01", "sol-set-enable"},
    {0x0c, 0x21, "01 02 c2", "sol-set-auth"},
    {0x0c, 0x21, "01 03 0c 60", "sol-set-accumulate"},
    {0x0c, 0x21, "01 04 03 32", "sol-set-retry"},
    {0x0c, 0x21, "01 05 0a", "sol-set-nv-bit-rate"},
    {0x0c, 0x21, "01 06 09", "sol-set-v-bit-rate"},
    {0x0c, 0x21, "01 08 6f02", "sol-set-port"},
    {0x0c, 0x22, "01 00 00 00", "sol-get-00"},
    {0x0c, 0x22, "01 01 00 00", "sol-get-01"},
    {0x0c, 0x22, "01 02 00 00", "sol-get-02"},
    {0x0c, 0x22, "01 03 00 00", "sol-get-03"},
    {0x0c, 0x22, "01 04 00 00", "sol-get-04"},
    {0x0c, 0x22, "01 05 00 00", "sol-get-05"},
    {0x0c, 0x22, "01 06 00 00", "sol-get-06"},
    {0x0c, 0x22, "01 07 00 00", "sol-get-07"},
    {0x0c, 0x22, "01 08 00 00", "sol-get-08"},
    /* Byte 0 bits 6-7 run the command at operator (40h) or user (80h) privilege */
    {0x40, 0x02, "01", "as-operator-chassis-power-up"},
    {0x46, 0x43, "91 03 04", "as-operator-user-access-set"},
    {0x86, 0x24, "04 01 00 3e 64 00", "as-user-watchdog-set"},
    {0x8a, 0x44, "0000 02 00000000 4100 04 01 30 01 57 10 20", "as-user-sel-add"},
    /* Not in the table: the C1h path */
    {0x2c, 0x3e, "00 02", "group-ext-unknown"},
    {0x2e, 0x01, "", "oem-unknown"},
};

static int
gen_session(void)
{
	size_t i;

	for (i = 0; i < sizeof(session_seeds) / sizeof(session_seeds[0]); i++) {
		uint8_t buf[2 + 256];
		size_t n = unhex(session_seeds[i].data, buf + 2, 256);
		const struct cmd_desc *d = dispatch_find(session_seeds[i].netfn & 0x3e, session_seeds[i].cmd);

		if (d != NULL && (n < d->min_len || n > d->max_len)) {
			fprintf(stderr, "%s: %zu bytes, the table wants %u..%u\n", session_seeds[i].name, n,
			    d->min_len, d->max_len);
			return 1;
		}
		buf[0] = session_seeds[i].netfn;
		buf[1] = session_seeds[i].cmd;
		write_seed(session_seeds[i].name, buf, n + 2);
	}
	printf("wrote %zu session seeds\n", i);
	return 0;
}

/* Call fn for every regular file in dir. */
static int
each_file(const char *dir, int (*fn)(const char *name, const uint8_t *data, size_t len, void *arg), void *arg)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), k, rc = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (k = 0; k < n; k++) {
		char path[4096];
		uint8_t buf[8192];
		FILE *f;
		size_t len;

		if (ents[k]->d_name[0] != '.' && rc == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[k]->d_name);
			if ((f = fopen(path, "rb")) == NULL) {
				perror(path);
				rc = -1;
			} else {
				len = fread(buf, 1, sizeof(buf), f);
				fclose(f);
				rc = fn(ents[k]->d_name, buf, len, arg);
			}
		}
		free(ents[k]);
	}
	free(ents);
	return rc;
}

static int
mark_covered(const char *name, const uint8_t *data, size_t len, void *arg)
{
	bool *covered = arg;
	size_t i;

	(void)name;
	if (len < 2)
		return 0;
	for (i = 0; i < dispatch_table_size(); i++) {
		const struct cmd_desc *d = dispatch_table_entry(i);
		/* fuzz_session.c sends netFn data[0] & 3Eh */
		if (d->netfn == (data[0] & 0x3e) && d->cmd == data[1] && len - 2 >= d->min_len &&
		    len - 2 <= d->max_len)
			covered[i] = true;
	}
	return 0;
}

static int
check_session(const char *dir)
{
	bool covered[256] = {false};
	size_t i, missing = 0;

	if (dispatch_table_size() > 256 || each_file(dir, mark_covered, covered) != 0)
		return 1;
	for (i = 0; i < dispatch_table_size(); i++) {
		const struct cmd_desc *d = dispatch_table_entry(i);
		if (!covered[i]) {
			fprintf(stderr, "no seed in %s for netFn %02xh cmd %02xh (%u..%u data bytes)\n", dir,
			    d->netfn, d->cmd, d->min_len, d->max_len);
			missing++;
		}
	}
	printf("%zu of %zu commands have a seed\n", dispatch_table_size() - missing, dispatch_table_size());
	return missing ? 1 : 0;
}

/* --------------------------------------------------------------- datagram */

static struct {
	bool on;
	uint8_t buf[8192];
	size_t len;
	uint8_t next_k; /* clock step (hdr bits 2-7) for the next datagram */
	struct bmc_time now;
} rec;

int
__wrap_bmc_handle_datagram(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src,
    const uint8_t *bytes, size_t len, struct bmc_out *out)
{
	uint8_t hdr;

	if (!rec.on)
		return __real_bmc_handle_datagram(bmc, now, src, bytes, len, out);
	if (now != &rec.now || src->port < DGRAM_PORT || src->port > DGRAM_PORT + 3 ||
	    rec.len + 3 + len > sizeof(rec.buf)) {
		fprintf(stderr, "cannot record this datagram\n");
		exit(1);
	}
	hdr = (uint8_t)(rec.next_k << 2 | (src->port - DGRAM_PORT));
	rec.next_k = 0;
	rec.buf[rec.len++] = hdr;
	rec.buf[rec.len++] = (uint8_t)len;
	rec.buf[rec.len++] = (uint8_t)(len >> 8);
	memcpy(rec.buf + rec.len, bytes, len);
	rec.len += len;
	/* Exactly what the target does with the record, with the reply left where the console looks. */
	rec.on = false;
	dgram_deliver(bmc, &rec.now, hdr, bytes, len, out);
	rec.on = true;
	return BMC_OK;
}

static struct bmc *
rec_start(uint8_t setup)
{
	rec.len = 0;
	rec.buf[rec.len++] = setup;
	rec.next_k = 0;
	rec.on = true;
	return dgram_instance(setup, &rec.now);
}

static void
rec_raw(struct bmc *bmc, uint8_t port, const uint8_t *pkt, size_t len, struct bmc_out *out)
{
	struct bmc_addr src = {4, {127, 0, 0, 1}, (uint16_t)(DGRAM_PORT + port)};

	bmc_handle_datagram(bmc, &rec.now, &src, pkt, len, out);
}

/* Write the recording; with want_active, replay it first and insist on a live session. */
static void
rec_finish(struct bmc *bmc, const char *name, bool want_active)
{
	struct bmc_time now;
	struct bmc *again;

	rec.on = false;
	bmc_free(bmc);
	again = dgram_run(rec.buf, rec.len, &now);
	if (want_active && session_count(again, SESS_ACTIVE) == 0) {
		fprintf(stderr, "%s: no active session after the replay\n", name);
		exit(1);
	}
	bmc_free(again);
	write_seed(name, rec.buf, rec.len);
}

static size_t
ipmi_msg(uint8_t netfn, uint8_t cmd, uint8_t seq, const uint8_t *data, size_t n, uint8_t *m)
{
	size_t k = 0;

	m[k++] = 0x20;
	m[k++] = (uint8_t)(netfn << 2);
	m[k] = msg_checksum(m, 2);
	k++;
	m[k++] = 0x81;
	m[k++] = (uint8_t)(seq << 2);
	m[k++] = cmd;
	memcpy(m + k, data, n);
	k += n;
	m[k] = msg_checksum(m + 3, k - 3);
	return k + 1;
}

/* An IPMI 1.5 packet; pw is the 16-byte password form (unused for type none). */
static size_t
v15_packet(uint8_t type, uint32_t seq, uint32_t sid, const uint8_t pw[16], const uint8_t *msg, size_t mlen,
    uint8_t *pkt)
{
	struct wbuf w = WBUF_INIT(pkt, BMC_DGRAM_MAX);

	rmcp_encode_hdr(&w, RMCP_CLASS_IPMI);
	wbuf_put_u8(&w, type);
	wbuf_put_u32le(&w, seq);
	wbuf_put_u32le(&w, sid);
	if (type == AUTHTYPE_MD5) {
		uint8_t sidb[4] = {
		    (uint8_t)sid, (uint8_t)(sid >> 8), (uint8_t)(sid >> 16), (uint8_t)(sid >> 24)};
		uint8_t seqb[4] = {
		    (uint8_t)seq, (uint8_t)(seq >> 8), (uint8_t)(seq >> 16), (uint8_t)(seq >> 24)};
		struct iov_c v[5] = {{pw, 16}, {sidb, 4}, {msg, mlen}, {seqb, 4}, {pw, 16}};
		uint8_t code[16];
		crypto_md5(v, 5, code);
		wbuf_put_bytes(&w, code, 16);
	} else if (type == AUTHTYPE_PASSWORD) {
		wbuf_put_bytes(&w, pw, 16);
	}
	wbuf_put_u8(&w, (uint8_t)mlen);
	wbuf_put_bytes(&w, msg, mlen);
	return w.len;
}

static size_t
rmcpp_setup(uint8_t ptype, const uint8_t *payload, size_t n, uint8_t *pkt)
{
	struct wbuf w = WBUF_INIT(pkt, BMC_DGRAM_MAX);

	rmcp_encode_hdr(&w, RMCP_CLASS_IPMI);
	wbuf_put_u8(&w, RMCP_AUTH_RMCPP);
	wbuf_put_u8(&w, ptype);
	wbuf_put_u32le(&w, 0);
	wbuf_put_u32le(&w, 0);
	wbuf_put_u16le(&w, (uint16_t)n);
	wbuf_put_bytes(&w, payload, n);
	return w.len;
}

/* One sessionless datagram (hex) as a one-record sequence. */
static void
single(const char *name, uint8_t setup, const char *hex)
{
	struct bmc_out out;
	uint8_t pkt[BMC_DGRAM_MAX];
	size_t n = unhex(hex, pkt, sizeof(pkt));
	struct bmc *bmc = rec_start(setup);

	rec_raw(bmc, 0, pkt, n, &out);
	rec_finish(bmc, name, false);
}

/* A sessionless IPMI request, framed as 1.5 (v2 = false) or as RMCP+ payload type 0. */
static void
sessionless(const char *name, uint8_t setup, bool v2, uint8_t netfn, uint8_t cmd, const char *hex)
{
	uint8_t data[64], msg[96], pkt[BMC_DGRAM_MAX];
	size_t n = unhex(hex, data, sizeof(data)), m = ipmi_msg(netfn, cmd, 1, data, n, msg);
	struct bmc_out out;
	struct bmc *bmc = rec_start(setup);

	n = v2 ? rmcpp_setup(PAYLOAD_IPMI, msg, m, pkt) : v15_packet(AUTHTYPE_NONE, 0, 0, NULL, msg, m, pkt);
	rec_raw(bmc, 0, pkt, n, &out);
	rec_finish(bmc, name, false);
}

/* RMCP+ login with the test console, then a few commands; close = end with Close Session. */
static void
login(const char *name, uint8_t setup, uint8_t suite, const char *user, const char *pw, uint8_t priv,
    int extra, bool close, bool want_active)
{
	struct bmc *bmc = rec_start(setup);
	struct client c;
	uint8_t rsp[BMC_MSG_MAX];
	size_t n;
	int ok;

	client_init(&c, bmc, &rec.now, DGRAM_PORT + 1);
	ok = client_login(&c, suite, user, pw, priv);
	if (want_active && ok != 0) {
		fprintf(stderr, "%s: login failed (%d)\n", name, ok);
		exit(1);
	}
	if (ok == 0) {
		(void)client_cmd(&c, 0x06, 0x3b, (const uint8_t[]){priv}, 1, rsp, &n);
		(void)client_cmd(&c, 0x06, 0x01, NULL, 0, rsp, &n);
		if (extra == 1) {
			/* SOL: activate, a packet of characters, deactivate */
			(void)client_cmd(&c, 0x06, 0x48, (const uint8_t[]){1, 1, 0xc6, 0, 0, 0}, 6, rsp, &n);
			(void)client_sol_send(&c, 1, 0, 0, 0, (const uint8_t *)"root\r", 5);
			(void)client_sol_send(&c, 2, 0, 0, 0x04, NULL, 0); /* break */
		} else if (extra == 2) {
			(void)client_cmd(&c, 0x06, 0x3d, (const uint8_t[]){0}, 1, rsp, &n);
			(void)client_cmd(&c, 0x0a, 0x40, NULL, 0, rsp, &n);
			(void)client_cmd(&c, 0x00, 0x01, NULL, 0, rsp, &n);
		}
		if (close)
			(void)client_cmd(&c, 0x06, 0x3c,
			    (const uint8_t[]){(uint8_t)c.bmc_sid, (uint8_t)(c.bmc_sid >> 8),
			        (uint8_t)(c.bmc_sid >> 16), (uint8_t)(c.bmc_sid >> 24)},
			    4, rsp, &n);
	}
	rec_finish(bmc, name, want_active);
}

/* IPMI 1.5: Get Session Challenge, Activate Session, then commands and maybe Close Session. */
static void
login15(const char *name, uint8_t setup, uint8_t type, const char *user, const char *pw, bool bad_code,
    bool close, bool want_active)
{
	struct bmc *bmc = rec_start(setup);
	uint8_t data[64], msg[96], pkt[BMC_DGRAM_MAX], pw16[16] = {0}, challenge[16];
	struct bmc_out out;
	uint32_t sid, seq;
	const uint8_t *r;
	size_t n, m, hl = type == AUTHTYPE_NONE ? 14 : 30;
	uint8_t rq_seq = 1;

	memcpy(pw16, pw, strlen(pw) < 16 ? strlen(pw) : 16);
	memset(data, 0, 17);
	data[0] = type;
	memcpy(data + 1, user, strlen(user) < 16 ? strlen(user) : 16);
	m = ipmi_msg(0x06, 0x39, rq_seq++, data, 17, msg);
	n = v15_packet(AUTHTYPE_NONE, 0, 0, NULL, msg, m, pkt);
	rec_raw(bmc, 2, pkt, n, &out);
	r = out.reply + 14;
	if (out.reply_len < 14 + 8 + 20 || r[6] != 0) {
		fprintf(stderr, "%s: no challenge\n", name);
		exit(1);
	}
	sid = (uint32_t)(r[7] | r[8] << 8 | r[9] << 16 | (uint32_t)r[10] << 24);
	memcpy(challenge, r + 11, 16);

	data[0] = type;
	data[1] = 4;
	memcpy(data + 2, challenge, 16);
	data[18] = 1; /* the first sequence number we want from the BMC */
	data[19] = data[20] = data[21] = 0;
	m = ipmi_msg(0x06, 0x3a, rq_seq++, data, 22, msg);
	if (bad_code)
		pw16[0] ^= 1;
	n = v15_packet(type, 0, sid, pw16, msg, m, pkt);
	rec_raw(bmc, 2, pkt, n, &out);
	r = out.reply + hl;
	if (out.reply_len < hl + 8 + 10 || r[6] != 0) {
		if (want_active) {
			fprintf(stderr, "%s: not activated\n", name);
			exit(1);
		}
		rec_finish(bmc, name, false);
		return;
	}
	seq = (uint32_t)(r[12] | r[13] << 8 | r[14] << 16 | (uint32_t)r[15] << 24);
	m = ipmi_msg(0x06, 0x3b, rq_seq++, (const uint8_t[]){4}, 1, msg);
	n = v15_packet(type, seq++, sid, pw16, msg, m, pkt);
	rec_raw(bmc, 2, pkt, n, &out);
	m = ipmi_msg(0x06, 0x01, rq_seq++, NULL, 0, msg);
	n = v15_packet(type, seq++, sid, pw16, msg, m, pkt);
	rec_raw(bmc, 2, pkt, n, &out);
	m = ipmi_msg(0x04, 0x2d, rq_seq++, (const uint8_t[]){0x04}, 1, msg);
	n = v15_packet(type, seq++, sid, pw16, msg, m, pkt);
	rec_raw(bmc, 2, pkt, n, &out);
	if (close) {
		uint8_t sidb[4] = {
		    (uint8_t)sid, (uint8_t)(sid >> 8), (uint8_t)(sid >> 16), (uint8_t)(sid >> 24)};
		m = ipmi_msg(0x06, 0x3c, rq_seq++, sidb, 4, msg);
		n = v15_packet(type, seq++, sid, pw16, msg, m, pkt);
		rec_raw(bmc, 2, pkt, n, &out);
	}
	rec_finish(bmc, name, want_active);
}

/* Open Session then, after the clock moved k*k/4 s, RAKP 1 (a setup that may have expired). */
static void
open_then_rakp1(const char *name, uint8_t k, uint8_t role)
{
	struct bmc *bmc = rec_start(0);
	uint8_t pl[64], pkt[BMC_DGRAM_MAX];
	struct bmc_out out;
	struct wbuf w;
	uint32_t sid;
	size_t n;

	n = unhex(
	    "00 00 0000 a4a3a2a0 00000008 01000000 01000008 01000000 02000008 01000000", pl, sizeof(pl));
	n = rmcpp_setup(PAYLOAD_OPEN_SESSION_RQ, pl, n, pkt);
	rec_raw(bmc, 0, pkt, n, &out);
	if (out.reply_len < 16 + 12 || out.reply[17] != 0) {
		fprintf(stderr, "%s: open session refused\n", name);
		exit(1);
	}
	sid = (uint32_t)(out.reply[24] | out.reply[25] << 8 | out.reply[26] << 16 |
	    (uint32_t)out.reply[27] << 24);
	w = WBUF_INIT(pl, sizeof(pl));
	wbuf_put_u8(&w, 0);
	wbuf_put_fill(&w, 0, 3);
	wbuf_put_u32le(&w, sid);
	wbuf_put_fill(&w, 0x11, 16);
	wbuf_put_u8(&w, role);
	wbuf_put_u16le(&w, 0);
	wbuf_put_u8(&w, 5);
	wbuf_put_bytes(&w, "admin", 5);
	n = rmcpp_setup(PAYLOAD_RAKP1, pl, w.len, pkt);
	rec.next_k = k;
	rec_raw(bmc, 0, pkt, n, &out);
	rec_finish(bmc, name, false);
}

/* Open Session from many ports and over and over: the pending table fills, then the clock frees it. */
static void
open_flood(const char *name)
{
	struct bmc *bmc = rec_start(0);
	uint8_t pl[64], pkt[BMC_DGRAM_MAX];
	struct bmc_out out;
	size_t n, i;

	n = unhex(
	    "00 00 0000 a4a3a2a0 00000008 01000000 01000008 01000000 02000008 01000000", pl, sizeof(pl));
	n = rmcpp_setup(PAYLOAD_OPEN_SESSION_RQ, pl, n, pkt);
	for (i = 0; i < 24; i++) {
		pkt[16 + 4] = (uint8_t)i; /* a different console session ID each time */
		if (i == 20)
			rec.next_k = 63;
		rec_raw(bmc, (uint8_t)(i & 3), pkt, n, &out);
	}
	rec_finish(bmc, name, false);
}

#define V15_ALL (DGRAM_SETUP_V15_NONE | DGRAM_SETUP_V15_MD5 | DGRAM_SETUP_V15_PASSWORD)

static int
gen_datagram(void)
{
	/* Sessionless */
	single("asf-ping", 0, "0600ff06 000011be 80 01 00 00");
	single("asf-ping-bad-iana", 0, "0600ff06 000011bf 80 01 00 00");
	single("asf-pong", 0, "0600ff06 000011be 40 01 00 10 000011be 00000000 81 00 000000000000");
	single("rmcp-ack", 0, "0600ff86");
	single("rmcp-oem-payload", 0, "0600ff07 06 02 00000000 00000000 0000");
	sessionless("auth-caps-v15", 0, false, 0x06, 0x38, "0e 04");
	sessionless("auth-caps-v2", 0, false, 0x06, 0x38, "8e 04");
	sessionless("auth-caps-v2-chan1-user", V15_ALL, false, 0x06, 0x38, "81 02");
	sessionless("auth-caps-bad-chan", 0, false, 0x06, 0x38, "07 04");
	sessionless("auth-caps-rmcpp", 0, true, 0x06, 0x38, "8e 04");
	sessionless("cipher-suites-0", 0, true, 0x06, 0x54, "0e 00 80");
	sessionless("cipher-suites-1", 0, true, 0x06, 0x54, "0e 00 81");
	sessionless("cipher-suites-2", DGRAM_SETUP_DEFAULT_SUITES, false, 0x06, 0x54, "0e 00 82");
	sessionless("cipher-suites-raw", 0, false, 0x06, 0x54, "01 00 00");
	sessionless("system-guid", 0, true, 0x06, 0x37, "");
	sessionless("system-guid-v15", 0, false, 0x06, 0x37, "");
	sessionless("device-id-no-session", 0, false, 0x06, 0x01, "");
	sessionless("challenge-md5-admin", V15_ALL, false, 0x06, 0x39, "02 \"admin\" 0000000000000000000000");
	sessionless(
	    "challenge-password-nobody", V15_ALL, false, 0x06, 0x39, "04 \"nobody\" 00000000000000000000");
	sessionless("challenge-disabled", 0, false, 0x06, 0x39, "02 \"admin\" 0000000000000000000000");
	sessionless("challenge-null-user", V15_ALL, false, 0x06, 0x39, "00 00000000000000000000000000000000");
	/* RMCP+ session setup, single messages */
	single("open-session", 0,
	    "0600ff07 06 10 00000000 00000000 2000 00 00 0000 a4a3a2a0 00000008 01000000 01000008 01000000 "
	    "02000008 01000000");
	single("open-session-suite17", 0,
	    "0600ff07 06 10 00000000 00000000 2000 00 04 0000 a4a3a2a0 00000008 03000000 01000008 04000000 "
	    "02000008 01000000");
	single("open-session-any", 0, "0600ff07 06 10 00000000 00000000 0800 00 00 0000 a4a3a2a0");
	single("open-session-bad-alg", DGRAM_SETUP_DEFAULT_SUITES,
	    "0600ff07 06 10 00000000 00000000 2000 00 00 0000 a4a3a2a0 00000008 01000000 01000008 00000000 "
	    "02000008 00000000");
	single("rakp1-unknown-sid", 0,
	    "0600ff07 06 12 00000000 00000000 2100 00 000000 82000000 000102030405060708090a0b0c0d0e0f 14 "
	    "0000 05 "
	    "\"admin\"");
	single("rakp3-unknown-sid", 0,
	    "0600ff07 06 14 00000000 00000000 1c00 00 00 0000 82000000 "
	    "0000000000000000000000000000000000000000");
	single("session-packet-unknown-sid", 0,
	    "0600ff07 06 c0 82000000 03000000 3000 "
	    "00000000000000000000000000000000 00000000000000000000000000000000 "
	    "00000000000000000000000000000000 "
	    "ffff 02 07 000000000000000000000000");
	single("v15-packet-unknown-sid", V15_ALL,
	    "0600ff07 02 01000000 82000000 00000000000000000000000000000000 07 2018c8 81 04 01 7a");
	/* Setup that expires or floods */
	open_then_rakp1("open-rakp1-bad-hmac", 0, 0x14);
	open_then_rakp1("open-rakp1-expired", 40, 0x14);
	open_then_rakp1("open-rakp1-role-lookup", 0, 0x04);
	open_flood("open-session-flood");
	/* Whole RMCP+ logins through to the session (every supported suite) */
	login("login-suite1", 0, 1, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 0, false, true);
	login("login-suite2", 0, 2, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 2, false, true);
	login("login-suite3", 0, 3, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 2, false, true);
	login("login-suite15", 0, 15, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 0, false, true);
	login("login-suite16", 0, 16, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 0, false, true);
	login("login-suite17", 0, 17, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 2, false, true);
	login("login-suite17-operator", 0, 17, DGRAM_OPER, DGRAM_OPER_PW, 3, 0, false, true);
	login("login-suite3-sol", 0, 3, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 1, false, true);
	login("session-suite17-close", 0, 17, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 0, true, false);
	login("session-suite3-user-priv", 0, 3, DGRAM_ADMIN, DGRAM_ADMIN_PW, 2, 0, true, false);
	login("refused-bad-password", 0, 3, DGRAM_ADMIN, "wrong-password", 4, 0, false, false);
	login("refused-unknown-user", 0, 17, "nobody", DGRAM_ADMIN_PW, 4, 0, false, false);
	login("refused-suite-disabled", DGRAM_SETUP_DEFAULT_SUITES, 1, DGRAM_ADMIN, DGRAM_ADMIN_PW, 4, 0,
	    false, false);
	login("refused-priv-too-high", 0, 17, DGRAM_OPER, DGRAM_OPER_PW, 4, 0, false, false);
	/* IPMI 1.5 sessions */
	login15("login-v15-md5", V15_ALL, AUTHTYPE_MD5, DGRAM_ADMIN, DGRAM_ADMIN_PW, false, false, true);
	login15("login-v15-password", V15_ALL, AUTHTYPE_PASSWORD, DGRAM_ADMIN, DGRAM_ADMIN_PW, false, false,
	    true);
	login15("login-v15-none", V15_ALL, AUTHTYPE_NONE, DGRAM_ADMIN, DGRAM_ADMIN_PW, false, false, true);
	login15("session-v15-md5-close", DGRAM_SETUP_V15_MD5, AUTHTYPE_MD5, DGRAM_ADMIN, DGRAM_ADMIN_PW,
	    false, true, false);
	login15(
	    "refused-v15-bad-code", V15_ALL, AUTHTYPE_MD5, DGRAM_ADMIN, DGRAM_ADMIN_PW, true, false, false);
	login15("refused-v15-20-byte-password", V15_ALL, AUTHTYPE_MD5, DGRAM_OPER, DGRAM_OPER_PW, false,
	    false, false);
	printf("wrote the datagram seeds\n");
	return 0;
}

static int
check_login(const char *name, const uint8_t *data, size_t len, void *arg)
{
	struct bmc_time now;
	struct bmc *bmc;
	int bad;

	(void)arg;
	if (strncmp(name, "login-", 6) != 0)
		return 0;
	bmc = dgram_run(data, len, &now);
	bad = session_count(bmc, SESS_ACTIVE) == 0;
	bmc_free(bmc);
	if (bad)
		fprintf(
		    stderr, "%s: no active session at the end: regenerate with gen_corpus datagram\n", name);
	else
		printf("%s: logged in\n", name);
	return 0 - bad;
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen_corpus session|datagram|check-session|check-datagram DIR\n");
		return 2;
	}
	outdir = argv[2];
	if (strcmp(argv[1], "session") == 0)
		return gen_session();
	if (strcmp(argv[1], "datagram") == 0)
		return gen_datagram();
	if (strcmp(argv[1], "check-session") == 0)
		return check_session(argv[2]);
	if (strcmp(argv[1], "check-datagram") == 0)
		return each_file(argv[2], check_login, NULL) != 0;
	fprintf(stderr, "unknown mode %s\n", argv[1]);
	return 2;
}
