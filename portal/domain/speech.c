#include "domain/speech.h"

#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"

static const struct {
	const char *lang, *voice;
} voices[] = {
    {"nl", "nl"}, {"en", "en"}, {"de", "de"}, {"tr", "tr"},
    {"ar", "ar"}, {"pl", "pl"}, {"uk", "uk"},
};

/* espeak-ng keeps global state and is not thread-safe: one lock guards
   it and the synthesis below */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int sample_rate; /* 0: not initialised, <0: unavailable */
static struct sb *collecting;

/* The cache has its own lock, so a page read before is served while
   another is being spoken; in_flight counts syntheses running or waiting
   for the lock (the global cap). */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
#define CACHE_SIZE  32
#define CACHE_BYTES (64u * 1024 * 1024)
static struct {
	unsigned char key[32];
	char *wav;
	size_t len;
	unsigned long used;
} cache[CACHE_SIZE];
static unsigned long tick;
static size_t cache_bytes;
static int in_flight;

bool speech_has_voice(const char *lang)
{
	for (size_t i = 0; i < sizeof(voices) / sizeof(voices[0]); i++)
		if (strcmp(voices[i].lang, lang) == 0)
			return true;
	return false;
}

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
	(void)events;
	if (wav && n > 0 && collecting)
		sb_append(collecting, (const char *)wav, (size_t)n * sizeof(short));
	return 0;
}

static bool init(void)
{
	if (sample_rate == 0) {
		sample_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, 0);
		if (sample_rate > 0)
			espeak_SetSynthCallback(on_samples);
		else
			fprintf(stderr,
			        "wijkwijzer: espeak-ng is not available; reading aloud is off\n");
	}
	return sample_rate > 0;
}

void speech_shutdown(void)
{
	if (sample_rate > 0)
		espeak_Terminate();
	sample_rate = 0;
	for (size_t i = 0; i < CACHE_SIZE; i++) {
		free(cache[i].wav);
		cache[i].wav = NULL;
	}
	cache_bytes = 0;
}

static void le16(struct sb *o, unsigned v)
{
	char b[2] = {(char)(v & 0xff), (char)((v >> 8) & 0xff)};
	sb_append(o, b, 2);
}

static void le32(struct sb *o, uint32_t v)
{
	char b[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff),
	             (char)(v >> 24)};
	sb_append(o, b, 4);
}

static const char *voice_of(const char *lang)
{
	for (size_t i = 0; i < sizeof(voices) / sizeof(voices[0]); i++)
		if (strcmp(voices[i].lang, lang) == 0)
			return voices[i].voice;
	return NULL;
}

static bool cache_key(const char *lang, const char *text, unsigned char key[32])
{
	struct sb k;
	sb_init(&k, 64 * 1024);
	sb_puts(&k, lang);
	sb_putc(&k, '\n');
	sb_puts(&k, text);
	bool ok = !sb_failed(&k) && crypto_sha256(k.data, k.len, key);
	sb_free(&k);
	return ok;
}

/* cache_lock held */
static bool cache_get(const unsigned char key[32], struct sb *out)
{
	for (size_t i = 0; i < CACHE_SIZE; i++)
		if (cache[i].wav && memcmp(cache[i].key, key, 32) == 0) {
			cache[i].used = ++tick;
			return sb_append(out, cache[i].wav, cache[i].len);
		}
	return false;
}

/* cache_lock held: the least recently used entries make room */
static void cache_put(const unsigned char key[32], const char *wav, size_t len)
{
	if (len > CACHE_BYTES / 4)
		return;
	for (;;) {
		size_t slot = CACHE_SIZE, used = 0;
		for (size_t i = 0; i < CACHE_SIZE; i++)
			used += cache[i].wav != NULL;
		if (used < CACHE_SIZE && cache_bytes + len <= CACHE_BYTES)
			break;
		for (size_t i = 0; i < CACHE_SIZE; i++)
			if (cache[i].wav &&
			    (slot == CACHE_SIZE || cache[i].used < cache[slot].used))
				slot = i;
		cache_bytes -= cache[slot].len;
		free(cache[slot].wav);
		cache[slot].wav = NULL;
	}
	for (size_t i = 0; i < CACHE_SIZE; i++)
		if (!cache[i].wav) {
			cache[i].wav = malloc(len);
			if (!cache[i].wav)
				return;
			memcpy(cache[i].wav, wav, len);
			memcpy(cache[i].key, key, 32);
			cache[i].len = len;
			cache[i].used = ++tick;
			cache_bytes += len;
			return;
		}
}

bool speech_cached(const char *lang, const char *text, struct sb *out)
{
	unsigned char key[32];
	if (!voice_of(lang) || !cache_key(lang, text, key))
		return false;
	pthread_mutex_lock(&cache_lock);
	bool ok = cache_get(key, out);
	pthread_mutex_unlock(&cache_lock);
	return ok;
}

/* lock held */
static bool synthesize(const char *voice, const char *text, struct sb *out)
{
	if (!init())
		return false;
	struct sb pcm;
	sb_init(&pcm, 16u * 1024 * 1024);
	collecting = &pcm;
	bool ok = espeak_SetVoiceByName(voice) == EE_OK &&
	          espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL,
	                       NULL) == EE_OK &&
	          espeak_Synchronize() == EE_OK && !sb_failed(&pcm);
	collecting = NULL;
	if (ok) {
		/* a plain 16-bit mono PCM WAV header */
		uint32_t bytes = (uint32_t)pcm.len;
		sb_puts(out, "RIFF");
		le32(out, 36 + bytes);
		sb_puts(out, "WAVEfmt ");
		le32(out, 16);
		le16(out, 1);
		le16(out, 1);
		le32(out, (uint32_t)sample_rate);
		le32(out, (uint32_t)sample_rate * 2);
		le16(out, 2);
		le16(out, 16);
		sb_puts(out, "data");
		le32(out, bytes);
		sb_append(out, pcm.data ? pcm.data : "", pcm.len);
		ok = !sb_failed(out);
	}
	sb_free(&pcm);
	return ok;
}

enum speech_result speech_wav(const char *lang, const char *text, struct sb *out)
{
	const char *voice = voice_of(lang);
	unsigned char key[32];
	if (!voice || !cache_key(lang, text, key))
		return SPEECH_FAILED;
	pthread_mutex_lock(&cache_lock);
	bool hit = cache_get(key, out);
	bool busy = !hit && in_flight >= SPEECH_MAX_AT_ONCE;
	if (!hit && !busy)
		in_flight++;
	pthread_mutex_unlock(&cache_lock);
	if (hit)
		return SPEECH_OK;
	if (busy)
		return SPEECH_BUSY;
	pthread_mutex_lock(&lock);
	/* the same page may have been spoken while this one waited */
	pthread_mutex_lock(&cache_lock);
	hit = cache_get(key, out);
	pthread_mutex_unlock(&cache_lock);
	bool ok = hit || synthesize(voice, text, out);
	pthread_mutex_unlock(&lock);
	pthread_mutex_lock(&cache_lock);
	in_flight--;
	if (ok && !hit)
		cache_put(key, out->data, out->len);
	pthread_mutex_unlock(&cache_lock);
	return ok ? SPEECH_OK : SPEECH_FAILED;
}

static const struct {
	const char *name;
	const char *text;
} entities[] = {
    {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "},
};

bool speech_page_text(const char *html, size_t len, struct sb *out, size_t max)
{
	const char *end = html + len;
	const char *p = NULL;
	for (const char *s = html; s + 5 < end; s++)
		if (memcmp(s, "<main", 5) == 0) {
			p = s;
			break;
		}
	if (!p)
		return false;
	int skip = 0; /* inside a part that is not read */
	bool space = true;
	while (p < end && out->len < max) {
		if (*p == '<') {
			const char *close = memchr(p, '>', (size_t)(end - p));
			if (!close)
				break;
			bool closing = p[1] == '/';
			const char *name = p + (closing ? 2 : 1);
			if (strncmp(name, "main", 4) == 0 && closing)
				break;
			bool hidden =
			    (strncmp(name, "script", 6) == 0 || strncmp(name, "svg", 3) == 0 ||
			     strncmp(name, "form", 4) == 0 || strncmp(name, "nav", 3) == 0 ||
			     strncmp(name, "style", 5) == 0);
			if (hidden)
				skip += closing ? -1 : 1;
			if (skip < 0)
				skip = 0;
			/* block ends and list items become a pause */
			if (!skip &&
			    (strncmp(name, "p", 1) == 0 || strncmp(name, "h", 1) == 0 ||
			     strncmp(name, "li", 2) == 0 || strncmp(name, "dt", 2) == 0 ||
			     strncmp(name, "dd", 2) == 0 || strncmp(name, "br", 2) == 0) &&
			    !space) {
				sb_puts(out, ". ");
				space = true;
			}
			p = close + 1;
			continue;
		}
		if (skip) {
			p++;
			continue;
		}
		if (*p == '&') {
			bool done = false;
			for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
				size_t el = strlen(entities[i].name);
				if ((size_t)(end - p) >= el &&
				    memcmp(p, entities[i].name, el) == 0) {
					sb_puts(out, entities[i].text);
					p += el;
					done = true;
					break;
				}
			}
			if (done) {
				space = false;
				continue;
			}
		}
		if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
			if (!space)
				sb_putc(out, ' ');
			space = true;
		} else {
			sb_putc(out, *p);
			space = false;
		}
		p++;
	}
	/* never end inside a UTF-8 character */
	size_t lead = out->len;
	while (lead && ((unsigned char)out->data[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead && (unsigned char)out->data[lead - 1] >= 0xC0) {
		unsigned char c = (unsigned char)out->data[lead - 1];
		size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (out->len - (lead - 1) < need)
			out->len = lead - 1;
	}
	if (out->data)
		out->data[out->len] = '\0';
	return !sb_failed(out) && out->len > 0;
}
