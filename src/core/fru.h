/*
 * FRU inventory as the edge, the config parser and the CLI see it: devices
 * (ID 0 = the system board) each holding one image in the IPMI Platform
 * Management FRU Information Storage Definition v1.0 format, built from
 * config fields or imported verbatim from `ipmitool fru read ID FILE`.
 */
#ifndef GHOSTBMC_FRU_H
#define GHOSTBMC_FRU_H

#include "core/bmc.h"

#define BMC_MAX_FRUS 8 /* FRU devices per BMC */
#define BMC_FRU_MAX_SIZE 4096 /* bytes of one image */
#define BMC_FRU_FIELD_MAX 63 /* a type/length byte holds 6 bits of length */
#define BMC_FRU_MAX_MULTIRECORDS 4

struct bmc_fru_multirecord {
	uint8_t type; /* record type ID (00h power supply, 01h DC output, ..., C0h-FFh OEM) */
	uint8_t len;
	uint8_t data[255];
};

/* One FRU device as the config describes it; empty strings are left out of the area. */
struct bmc_fru_conf {
	uint8_t id; /* FRU device ID, 0..254; 0 = the system board */
	char name[17]; /* the SDR FRU locator's ID string */
	uint16_t size; /* image size in bytes; 0 = the areas rounded up to 8, at least 256 */
	bool write_protect; /* Write FRU Data answers 80h */

	bool chassis; /* emit the chassis info area */
	uint8_t chassis_type; /* SMBIOS chassis type, e.g. 17h rack mount chassis */
	char chassis_part[BMC_FRU_FIELD_MAX + 1];
	char chassis_serial[BMC_FRU_FIELD_MAX + 1];

	bool board; /* emit the board info area */
	int64_t board_mfg_date; /* Unix seconds; 0 = unspecified */
	char board_mfg[BMC_FRU_FIELD_MAX + 1];
	char board_product[BMC_FRU_FIELD_MAX + 1];
	char board_serial[BMC_FRU_FIELD_MAX + 1];
	char board_part[BMC_FRU_FIELD_MAX + 1];

	bool product; /* emit the product info area */
	char product_mfg[BMC_FRU_FIELD_MAX + 1];
	char product_name[BMC_FRU_FIELD_MAX + 1];
	char product_part[BMC_FRU_FIELD_MAX + 1];
	char product_version[BMC_FRU_FIELD_MAX + 1];
	char product_serial[BMC_FRU_FIELD_MAX + 1];
	char product_asset_tag[BMC_FRU_FIELD_MAX + 1];

	struct bmc_fru_multirecord multirecord[BMC_FRU_MAX_MULTIRECORDS];
	size_t nmultirecords;
};

/* FRU 0 of the built-in server; serials derived from the system GUID (wire order). */
void bmc_fru_defaults(struct bmc_fru_conf *c, const uint8_t system_guid[16]);

/* Build an image from c into out: its length, or -1 with a message (a field too long, size too small). */
int bmc_fru_build(const struct bmc_fru_conf *c, uint8_t *out, size_t max, char *err, size_t errlen);

/*
 * Check an image's common header and area checksums as a client would
 * read them: 0, or -1 with a message naming the first bad part.
 */
int bmc_fru_check(const uint8_t *img, size_t len, char *err, size_t errlen);

/*
 * Install (or replace) FRU device id with a copy of img.  Devices are kept
 * in ID order; call before bmc_sensors_set() so the SDR gets a FRU device
 * locator for each.  0 or a BMC_ERR_*.
 */
int bmc_fru_set(
    struct bmc *bmc, uint8_t id, const char *name, const uint8_t *img, size_t len, bool write_protect);
/* Remove every FRU device. */
void bmc_fru_clear(struct bmc *bmc);

struct bmc_fru_info {
	uint8_t id;
	char name[17];
	bool write_protect;
	const uint8_t *data; /* valid until the next change to the device */
	size_t len;
};
size_t bmc_fru_count(const struct bmc *bmc);
/* The i-th device in ID order; -1 when out of range. */
int bmc_fru_info(const struct bmc *bmc, size_t i, struct bmc_fru_info *info);
/* Index of device id, or -1. */
int bmc_fru_find(const struct bmc *bmc, uint8_t id);

/*
 * Decode an image into fields for humans: cb(area, field, value) per field,
 * area one of "chassis", "board", "product", "multirecord"; strings as
 * printable text, the board date as "YYYY-MM-DD HH:MM UTC", the chassis
 * type as a number.  Malformed areas are reported as field "error".
 */
void bmc_fru_decode(const uint8_t *img, size_t len,
    void (*cb)(void *arg, const char *area, const char *field, const char *value), void *arg);

#endif
