/*
 * Runs a fuzz target without libFuzzer, so the ordinary test suite and its
 * sanitizers exercise it:
 *
 *   replay_TARGET [--runs N] [--seed S] PATH...
 *
 * First every file given (or every file in the directories given) is fed to
 * the target once, in name order: the committed corpus and every crash ever
 * kept.  Then N inputs (default 2000, or $FUZZ_RUNS) are made from the
 * corpus by a small deterministic mutator (byte flips and sets, interesting
 * values, truncation, insertion, erasure, copies within an input, splices of
 * two entries) seeded with S (default 1, or $FUZZ_SEED), so a test run is
 * repeatable and a few thousand inputs beyond the corpus run every time.
 *
 * If the target dies (a sanitizer report, abort, a signal), the input that
 * did it is written to $FUZZ_CRASH_FILE (default ./fuzz-crash-TARGET) so it
 * can be replayed alone, minimised and added to the corpus.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPLAY_MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct entry {
	uint8_t *data;
	size_t len;
};

static struct entry *corpus;
static size_t ncorpus, capcorpus;

/* The input now running, for the crash file. */
static const uint8_t *cur_data;
static size_t cur_len;
static char crash_path[4096];

static void
save_current(void)
{
	int fd;

	if (cur_data == NULL)
		return;
	fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		size_t off = 0;
		while (off < cur_len) {
			ssize_t w = write(fd, cur_data + off, cur_len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		close(fd);
		(void)!write(2, "replay: the failing input is in ", 32);
		(void)!write(2, crash_path, strlen(crash_path));
		(void)!write(2, "\n", 1);
	}
	cur_data = NULL;
}

static void
on_signal(int sig)
{
	save_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Sanitizers that exit without a signal call this first, when the runtime is there. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static void
run(const uint8_t *data, size_t len)
{
	cur_data = data;
	cur_len = len;
	LLVMFuzzerTestOneInput(data, len);
	cur_data = NULL;
}

static int
load_file(const char *path)
{
	uint8_t *buf;
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (ncorpus == capcorpus) {
		struct entry *p;
		capcorpus = capcorpus ? 2 * capcorpus : 64;
		if ((p = realloc(corpus, capcorpus * sizeof(*corpus))) == NULL) {
			free(buf);
			return -1;
		}
		corpus = p;
	}
	corpus[ncorpus].data = buf;
	corpus[ncorpus].len = (size_t)n;
	ncorpus++;
	run(buf, (size_t)n);
	return 0;
}

static int
load_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		struct dirent **ents;
		int n = scandir(path, &ents, NULL, alphasort), k, rc = 0;

		if (n < 0) {
			perror(path);
			return -1;
		}
		for (k = 0; k < n; k++) {
			char sub[4096];
			if (rc == 0 && ents[k]->d_name[0] != '.') {
				snprintf(sub, sizeof(sub), "%s/%s", path, ents[k]->d_name);
				rc = load_file(sub);
			}
			free(ents[k]);
		}
		free(ents);
		return rc;
	}
	return load_file(path);
}

/* splitmix64: small, and the same sequence on every machine. */
static uint64_t rng;

static uint64_t
next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static size_t
below(size_t n)
{
	return n ? (size_t)(next() % n) : 0;
}

/* One mutation of buf[0..*len) in place (capacity REPLAY_MAX_INPUT). */
static void
mutate_once(uint8_t *buf, size_t *len)
{
	static const uint8_t interesting[] = {
	    0x00, 0x01, 0x02, 0x06, 0x07, 0x0e, 0x10, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xc0, 0xfe, 0xff};
	size_t n = *len, pos = below(n), k;

	switch (below(10)) {
	case 0: /* flip a bit */
		if (n)
			buf[pos] ^= (uint8_t)(1u << below(8));
		break;
	case 1: /* any byte */
		if (n)
			buf[pos] = (uint8_t)next();
		break;
	case 2: /* an interesting byte */
		if (n)
			buf[pos] = interesting[below(sizeof(interesting))];
		break;
	case 3: /* add or subtract a little */
		if (n)
			buf[pos] = (uint8_t)(buf[pos] + (uint8_t)(below(17)) - 8);
		break;
	case 4: /* truncate */
		*len = below(n + 1);
		break;
	case 5: /* insert random bytes */
		k = 1 + below(8);
		if (n + k <= REPLAY_MAX_INPUT) {
			memmove(buf + pos + k, buf + pos, n - pos);
			for (size_t i = 0; i < k; i++)
				buf[pos + i] = (uint8_t)next();
			*len = n + k;
		}
		break;
	case 6: /* erase */
		if (n) {
			k = 1 + below(n - pos < 8 ? n - pos : 8);
			memmove(buf + pos, buf + pos + k, n - pos - k);
			*len = n - k;
		}
		break;
	case 7: /* copy a chunk over another place in the input */
		if (n > 1) {
			size_t from = below(n), to = below(n);
			k = 1 + below(n - (from > to ? from : to));
			memmove(buf + to, buf + from, k);
		}
		break;
	case 8: /* splice: this input up to pos, then another entry from somewhere */
		if (ncorpus) {
			const struct entry *e = &corpus[below(ncorpus)];
			size_t from = below(e->len + 1), take = e->len - from;
			if (pos + take > REPLAY_MAX_INPUT)
				take = REPLAY_MAX_INPUT - pos;
			memcpy(buf + pos, e->data + from, take);
			*len = pos + take;
		}
		break;
	default: /* a 16-bit little-endian field: +-1, 0 or FFFFh */
		if (n > 1 && pos + 1 < n) {
			unsigned v = (unsigned)(buf[pos] | buf[pos + 1] << 8);
			static const int delta[] = {1, -1};
			switch (below(3)) {
			case 0:
				v += (unsigned)delta[below(2)];
				break;
			case 1:
				v = 0;
				break;
			default:
				v = 0xffff;
				break;
			}
			buf[pos] = (uint8_t)v;
			buf[pos + 1] = (uint8_t)(v >> 8);
		}
		break;
	}
}

static unsigned long
env_num(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);
	return s && *s ? strtoul(s, NULL, 0) : dflt;
}

int
main(int argc, char **argv)
{
	unsigned long runs = env_num("FUZZ_RUNS", 2000), seed = env_num("FUZZ_SEED", 1), i;
	static uint8_t buf[REPLAY_MAX_INPUT];
	static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
	const char *base = strrchr(argv[0], '/'), *env;
	int a, paths = 0;

	base = base ? base + 1 : argv[0];
	if (strncmp(base, "replay_", 7) == 0)
		base += 7;
	if ((env = getenv("FUZZ_CRASH_FILE")) != NULL && *env)
		snprintf(crash_path, sizeof(crash_path), "%s", env);
	else
		snprintf(crash_path, sizeof(crash_path), "fuzz-crash-%s", base);
	/* Signals a sanitizer already handles stay its own: it reports, then calls save_current. */
	for (a = 0; a < (int)(sizeof(sigs) / sizeof(sigs[0])); a++) {
		struct sigaction old;
		if (sigaction(sigs[a], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			signal(sigs[a], on_signal);
	}
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(save_current);

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--runs") == 0 && a + 1 < argc) {
			runs = strtoul(argv[++a], NULL, 0);
		} else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc) {
			seed = strtoul(argv[++a], NULL, 0);
		} else if (argv[a][0] == '-') {
			fprintf(stderr, "usage: %s [--runs N] [--seed S] PATH...\n", argv[0]);
			return 2;
		} else {
			if (load_path(argv[a]) != 0)
				return 1;
			paths++;
		}
	}
	if (paths == 0 || ncorpus == 0) {
		fprintf(stderr, "%s: no inputs\n", argv[0]);
		return 1;
	}
	printf("replayed %zu inputs\n", ncorpus);
	fflush(stdout);

	rng = seed;
	for (i = 0; i < runs; i++) {
		const struct entry *e = &corpus[below(ncorpus)];
		size_t len = e->len < REPLAY_MAX_INPUT ? e->len : REPLAY_MAX_INPUT;
		unsigned m, nmut = 1 + (unsigned)below(4);

		memcpy(buf, e->data, len);
		for (m = 0; m < nmut; m++)
			mutate_once(buf, &len);
		run(buf, len);
	}
	printf("ran %lu mutated inputs (seed %lu)\n", runs, seed);
	for (i = 0; i < ncorpus; i++)
		free(corpus[i].data);
	free(corpus);
	return 0;
}
