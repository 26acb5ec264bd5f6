/* Fuzz target (c): the YAML config parser, on any text. */
#include <stdint.h>
#include <stdlib.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	char err[512];

	config_defaults(&cfg);
	(void)config_load_string(&cfg, "fuzz.yaml", (const char *)data, size, err, sizeof(err));
	return 0;
}
