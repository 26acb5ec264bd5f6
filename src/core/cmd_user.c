/* PLACEHOLDER: being written. */
#include "core/bmc_int.h"
uint8_t cmd_set_user_access(struct cmd_ctx *c, struct buf *rq, struct wbuf *rs) { (void)c; (void)rq; (void)rs; return CC_INVALID_CMD; }
uint8_t cmd_get_user_access(struct cmd_ctx *c, struct buf *rq, struct wbuf *rs) { (void)c; (void)rq; (void)rs; return CC_INVALID_CMD; }
uint8_t cmd_set_user_name(struct cmd_ctx *c, struct buf *rq, struct wbuf *rs) { (void)c; (void)rq; (void)rs; return CC_INVALID_CMD; }
uint8_t cmd_get_user_name(struct cmd_ctx *c, struct buf *rq, struct wbuf *rs) { (void)c; (void)rq; (void)rs; return CC_INVALID_CMD; }
uint8_t cmd_set_user_password(struct cmd_ctx *c, struct buf *rq, struct wbuf *rs) { (void)c; (void)rq; (void)rs; return CC_INVALID_CMD; }
