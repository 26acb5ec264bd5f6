/*
 * Runs a fuzz target over files (or every file in directories) without
 * libFuzzer, so the committed corpus and every crash ever found are replayed
 * by the ordinary test suite and its sanitizers.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
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
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, runs = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int n = scandir(argv[i], &ents, NULL, alphasort), k;
			for (k = 0; k < n; k++) {
				char path[4096];
				if (ents[k]->d_name[0] != '.') {
					snprintf(path, sizeof(path), "%s/%s", argv[i], ents[k]->d_name);
					if (run_file(path) != 0)
						return 1;
					runs++;
				}
				free(ents[k]);
			}
			free(ents);
		} else {
			if (run_file(argv[i]) != 0)
				return 1;
			runs++;
		}
	}
	printf("replayed %d inputs\n", runs);
	return runs > 0 ? 0 : 1;
}
