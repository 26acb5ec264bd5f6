/*
 * Bounded reader and writer for packet bytes.  Every read of wire data goes
 * through struct buf: the error is sticky, so a decoder reads a whole header
 * and checks once; a failed read yields zeros, never stale memory.  struct
 * wbuf mirrors it for replies: overflowing a reply buffer is our bug, and the
 * caller sees it as wbuf.err rather than a truncated packet on the wire.
 */
#ifndef GHOSTBMC_BUF_H
#define GHOSTBMC_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	const uint8_t *p;
	size_t left;
	bool err;
};

#define BUF_INIT(ptr, n) ((struct buf){(ptr), (n), false})

static inline uint8_t
buf_get_u8(struct buf *b)
{
	if (b->err || b->left < 1) {
		b->err = true;
		return 0;
	}
	b->left--;
	return *b->p++;
}

/* Multi-byte reads are all or nothing: a short one reads no byte and yields 0. */
static inline bool
buf_has(struct buf *b, size_t n)
{
	if (b->err || b->left < n) {
		b->err = true;
		return false;
	}
	return true;
}

static inline uint16_t
buf_get_u16le(struct buf *b)
{
	if (!buf_has(b, 2))
		return 0;
	uint16_t lo = buf_get_u8(b);
	uint16_t hi = buf_get_u8(b);
	return (uint16_t)(lo | hi << 8);
}

static inline uint16_t
buf_get_u16be(struct buf *b)
{
	if (!buf_has(b, 2))
		return 0;
	uint16_t hi = buf_get_u8(b);
	uint16_t lo = buf_get_u8(b);
	return (uint16_t)(lo | hi << 8);
}

static inline uint32_t
buf_get_u32le(struct buf *b)
{
	if (!buf_has(b, 4))
		return 0;
	uint32_t lo = buf_get_u16le(b);
	uint32_t hi = buf_get_u16le(b);
	return lo | hi << 16;
}

static inline uint32_t
buf_get_u32be(struct buf *b)
{
	if (!buf_has(b, 4))
		return 0;
	uint32_t hi = buf_get_u16be(b);
	uint32_t lo = buf_get_u16be(b);
	return lo | hi << 16;
}

static inline bool
buf_get_bytes(struct buf *b, void *dst, size_t n)
{
	if (b->err || b->left < n) {
		b->err = true;
		if (n > 0)
			memset(dst, 0, n);
		return false;
	}
	if (n > 0)
		memcpy(dst, b->p, n);
	b->p += n;
	b->left -= n;
	return true;
}

/* Borrow n bytes in place; NULL (and the error set) when they are not there. */
static inline const uint8_t *
buf_take(struct buf *b, size_t n)
{
	const uint8_t *p;

	if (b->err || b->left < n) {
		b->err = true;
		return NULL;
	}
	p = b->p;
	b->p += n;
	b->left -= n;
	return p;
}

static inline bool
buf_skip(struct buf *b, size_t n)
{
	return buf_take(b, n) != NULL;
}

struct wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool err;
};

#define WBUF_INIT(ptr, n) ((struct wbuf){(ptr), 0, (n), false})

static inline void
wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	if (w->err || w->len >= w->cap) {
		w->err = true;
		return;
	}
	w->p[w->len++] = v;
}

static inline void
wbuf_put_u16le(struct wbuf *w, uint16_t v)
{
	wbuf_put_u8(w, (uint8_t)v);
	wbuf_put_u8(w, (uint8_t)(v >> 8));
}

static inline void
wbuf_put_u16be(struct wbuf *w, uint16_t v)
{
	wbuf_put_u8(w, (uint8_t)(v >> 8));
	wbuf_put_u8(w, (uint8_t)v);
}

static inline void
wbuf_put_u32le(struct wbuf *w, uint32_t v)
{
	wbuf_put_u16le(w, (uint16_t)v);
	wbuf_put_u16le(w, (uint16_t)(v >> 16));
}

static inline void
wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->len, src, n);
	w->len += n;
}

static inline void
wbuf_put_fill(struct wbuf *w, uint8_t v, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return;
	}
	memset(w->p + w->len, v, n);
	w->len += n;
}

/* Reserve n bytes to fill in later (lengths, checksums); NULL on overflow. */
static inline uint8_t *
wbuf_reserve(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return NULL;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

#endif
