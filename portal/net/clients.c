#include "net/clients.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <libwebsockets.h>

#include "base/app.h"
#include "net/http.h"

/* Two open-addressing tables: connections by wsi, counts by address.
 * Sized for the fd limit the server asks for (20000); a full table
 * admits no more connections rather than counting them wrongly. */
#define CONN_SLOTS 32768
#define PEER_SLOTS 32768

struct conn_slot {
	const void *wsi; /* NULL: empty; (void *)1: deleted */
	uint32_t peer;   /* index into peers */
};

struct peer_slot {
	char addr[48];
	int count; /* 0 with addr set: may be reused by the same address */
};

static struct conn_slot *conns;
static struct peer_slot *peers;
#define DELETED ((const void *)1)

static uint32_t hash_ptr(const void *p)
{
	uintptr_t v = (uintptr_t)p;
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (uint32_t)v;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool ready(void)
{
	if (!conns)
		conns = calloc(CONN_SLOTS, sizeof(*conns));
	if (!peers)
		peers = calloc(PEER_SLOTS, sizeof(*peers));
	return conns && peers;
}

/* The slot of addr, or a free one for it; -1 when full. */
static long peer_slot(const char *addr)
{
	uint32_t h = hash_str(addr) % PEER_SLOTS;
	long reuse = -1;
	for (uint32_t i = 0; i < PEER_SLOTS; i++) {
		uint32_t k = (h + i) % PEER_SLOTS;
		if (!peers[k].addr[0])
			return reuse >= 0 ? reuse : (long)k;
		if (strcmp(peers[k].addr, addr) == 0)
			return (long)k;
		if (peers[k].count == 0 && reuse < 0)
			reuse = (long)k;
	}
	return reuse;
}

bool clients_admit(const void *wsi, const char *peer, int max)
{
	if (!ready() || !wsi || wsi == DELETED)
		return max <= 0;
	char addr[48];
	size_t n = strlen(peer ? peer : "");
	memcpy(addr, peer ? peer : "", n < sizeof(addr) ? n : sizeof(addr) - 1);
	addr[n < sizeof(addr) ? n : sizeof(addr) - 1] = '\0';
	long k = peer_slot(addr);
	if (k < 0)
		return max <= 0;
	if (strcmp(peers[k].addr, addr) != 0) {
		memcpy(peers[k].addr, addr, sizeof(addr));
		peers[k].count = 0;
	}
	if (max > 0 && peers[k].count >= max)
		return false;
	uint32_t h = hash_ptr(wsi) % CONN_SLOTS;
	for (uint32_t i = 0; i < CONN_SLOTS; i++) {
		struct conn_slot *c = &conns[(h + i) % CONN_SLOTS];
		if (!c->wsi || c->wsi == DELETED) {
			c->wsi = wsi;
			c->peer = (uint32_t)k;
			peers[k].count++;
			return true;
		}
	}
	return max <= 0;
}

void clients_leave(const void *wsi)
{
	if (!conns || !wsi)
		return;
	uint32_t h = hash_ptr(wsi) % CONN_SLOTS;
	for (uint32_t i = 0; i < CONN_SLOTS; i++) {
		struct conn_slot *c = &conns[(h + i) % CONN_SLOTS];
		if (!c->wsi)
			return;
		if (c->wsi == wsi) {
			if (peers[c->peer].count > 0)
				peers[c->peer].count--;
			c->wsi = DELETED;
			return;
		}
	}
}

void clients_clear(void)
{
	free(conns);
	free(peers);
	conns = NULL;
	peers = NULL;
}

bool clients_forwarded_for(struct lws *wsi, char *out, size_t n)
{
	int len = lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR);
	if (len <= 0 || len > HTTP_MAX_HEADER)
		return false;
	char *xff = malloc((size_t)len + 1);
	if (!xff || lws_hdr_copy(wsi, xff, len + 1, WSI_TOKEN_X_FORWARDED_FOR) < 0) {
		free(xff);
		return false;
	}
	/* the proxy appends the address it saw: the last entry */
	char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	bool ok = *last && strlen(last) < n;
	if (ok)
		snprintf(out, n, "%s", last);
	free(xff);
	return ok;
}

void clients_address(struct lws *wsi, char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = '\0';
	const struct app *app = lws_context_user(lws_get_context(wsi));
	if (app && app->cfg.behind_proxy && clients_forwarded_for(wsi, out, n))
		return;
	lws_get_peer_simple(wsi, out, n);
}
