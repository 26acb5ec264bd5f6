/*
 * System Boot Options (IPMI 2.0 28.12, 28.13, table 28-14): the parameters
 * as plain bytes.  The IPMI layouts are in cmd_boot.c, the model (the hint
 * the host boots by, the valid bit) in boot.c.  Embedded by value in struct
 * bmc so that params.c can persist the saved part as one blob.
 */
#ifndef GHOSTBMC_BOOT_H
#define GHOSTBMC_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_PARAM_VERSION 0x01
#define BOOT_MAILBOX_BLOCKS 5 /* parameter 7: blocks 0..4 */
#define BOOT_MAILBOX_BLOCK_LEN 16

/* Parameter selectors (Set byte 1 / Get byte 1, bits 6:0). */
enum {
	BOOT_PARAM_SET_IN_PROGRESS = 0,
	BOOT_PARAM_PARTITION_SELECTOR = 1,
	BOOT_PARAM_PARTITION_SCAN = 2,
	BOOT_PARAM_VALID_BIT_CLEARING = 3,
	BOOT_PARAM_INFO_ACK = 4,
	BOOT_PARAM_FLAGS = 5,
	BOOT_PARAM_INITIATOR_INFO = 6,
	BOOT_PARAM_MAILBOX = 7,
	BOOT_PARAM_COUNT
};

/* Parameter 5, data 1. */
#define BOOT_FLAG_VALID 0x80
#define BOOT_FLAG_PERSISTENT 0x40
#define BOOT_FLAG_EFI 0x20

/* Persisted as BMC_PARAM_BOOT_OPTIONS: bytes only, so the blob has no padding. */
struct boot_saved {
	uint8_t partition_selector; /* param 1 */
	uint8_t partition_scan; /* param 2: [1] discovered, [0] scan request */
	uint8_t valid_bit_clearing; /* param 3: bits 4:0 */
	uint8_t ack; /* param 4 data 2, bits 4:0 (data 1, the write mask, reads as 00h) */
	uint8_t flags[5]; /* param 5, as written (data 1 bits 4:0 kept 0) */
	uint8_t initiator_info[9]; /* param 6: channel, session ID, timestamp */
	uint8_t locked; /* bit n: parameter n marked invalid/locked (Set byte 1 bit 7) */
};

struct boot_options {
	struct boot_saved saved;
	uint8_t mailbox[BOOT_MAILBOX_BLOCKS][BOOT_MAILBOX_BLOCK_LEN]; /* param 7: volatile */
	uint8_t set_in_progress; /* param 0: volatile */
	uint64_t set_in_progress_ms;
};

#endif
