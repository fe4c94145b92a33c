/* tpl: the template compiler. Compiles HTML templates into C functions
 * that append to an sb and escape every value by where it stands in the
 * HTML (text, quoted attribute value, URL attribute), which this program
 * works out from the markup around it. The language is described in
 * README.md, section "Templates".
 *
 * Usage: tplc [--prefix P] OUTDIR TEMPLATE...
 *
 * For every TEMPLATE (NAME.html) it writes OUTDIR/PNAME.c with the
 * function PNAME (the prefix P is "tpl_" unless given), one
 * OUTDIR/templates.h that
 * declares them all, and OUTDIR/xgettext/TEMPLATE: the C parts and
 * comments of the template at their own lines, everything else blanked,
 * so that xgettext -L C finds the translatable strings and translator
 * comments with the template's name and line. A file is rewritten only
 * when its contents change (make then recompiles only what changed).
 *
 * An error in a template (an unclosed tag, an unknown directive, an
 * unbalanced if/for, output where the HTML context does not allow it or
 * cannot be told) prints "file:line: message" and exits with 1 before
 * anything is written. Runs at build time only; needs nothing but libc
 * and portal/base/sb.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/sb.h"

#define TPL_LIMIT  (64u * 1024u * 1024u)
#define MAX_BLOCKS 64

/* ---- errors ------------------------------------------------------------ */

__attribute__((format(printf, 3, 4), noreturn)) static void fail(const char *path, int line,
                                                                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s:%d: ", path, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

__attribute__((noreturn)) static void out_of_memory(void)
{
	fprintf(stderr, "tplc: out of memory\n");
	exit(1);
}

static void put(struct sb *b, const char *s)
{
	if (!sb_puts(b, s))
		out_of_memory();
}

static void putn(struct sb *b, const char *s, size_t n)
{
	if (!sb_append(b, s, n))
		out_of_memory();
}

__attribute__((format(printf, 2, 3))) static void putf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = sb_vappendf(b, fmt, ap);
	va_end(ap);
	if (!ok)
		out_of_memory();
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ---- reading: segments --------------------------------------------------- */

enum seg_kind { SEG_TEXT, SEG_OUT, SEG_STMT, SEG_COMMENT };

/* A piece of the template: static text, or a tag {{ }}, {% %}, {# #}. */
struct seg {
	enum seg_kind kind;
	const char *p; /* text: its bytes; a tag: what stands between its delimiters */
	size_t n;
	int line;    /* the line of p[0] */
	bool trim_l; /* {{- {%- {#-: strip the white space before */
	bool trim_r; /* -}} -%} -#}: strip the white space after */
	bool alone;  /* a {% %} or {# #} alone on its line: the line goes */
};

struct tpl {
	const char *path;
	char name[64];
	struct sb src;
	struct seg *segs;
	size_t nsegs, capsegs;
	struct sb params; /* the C parameter list after "struct sb *tpl_out" */
	struct sb voids;  /* (void)name; for every parameter */
	int params_line;
	bool have_params;
	struct sb includes; /* #include lines named by {% header %} */
	struct sb shadow;   /* for xgettext */
	struct sb code;     /* the generated file */
};

static struct tpl *tpls;
static size_t ntpls;
static const char *prefix = "tpl_";

static void add_seg(struct tpl *t, enum seg_kind kind, const char *p, size_t n, int line,
                    bool trim_l, bool trim_r)
{
	if (kind == SEG_TEXT && n == 0)
		return;
	if (t->nsegs == t->capsegs) {
		t->capsegs = t->capsegs ? 2 * t->capsegs : 64;
		t->segs = realloc(t->segs, t->capsegs * sizeof(*t->segs));
		if (!t->segs)
			out_of_memory();
	}
	t->segs[t->nsegs++] = (struct seg){kind, p, n, line, trim_l, trim_r, false};
}

static int count_lines(const char *p, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

/* The shadow for xgettext: newlines of text, tags as they are. */
static void shadow_newlines(struct tpl *t, const char *p, size_t n)
{
	for (int k = count_lines(p, n); k > 0; k--)
		put(&t->shadow, "\n");
}

static void shadow_comment(struct tpl *t, const char *p, size_t n)
{
	put(&t->shadow, "/*");
	for (size_t i = 0; i < n; i++) {
		putn(&t->shadow, p + i, 1);
		if (p[i] == '*' && i + 1 < n && p[i + 1] == '/')
			put(&t->shadow, " "); /* "*" "/" would end the C comment */
	}
	put(&t->shadow, "*/");
}

static void check_utf8(const struct tpl *t)
{
	const unsigned char *s = (const unsigned char *)t->src.data;
	size_t n = t->src.len;
	int line = 1;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c == '\n')
			line++;
		if (c == 0)
			fail(t->path, line, "a NUL byte in the template");
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len = c >= 0xf0 && c <= 0xf4  ? 4
		             : c >= 0xe0             ? 3
		             : c >= 0xc2 && c < 0xe0 ? 2
		                                     : 0;
		if (c >= 0xf5)
			len = 0;
		if (!len || i + len > n)
			fail(t->path, line, "the template is not valid UTF-8");
		unsigned long cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				fail(t->path, line, "the template is not valid UTF-8");
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			fail(t->path, line, "the template is not valid UTF-8");
		i += len;
	}
}

/* Splits the source into text and tags. In {{ }} and {% %} the closing
 * delimiter is looked for outside C string and character literals and
 * comments; in {# #} it is the first #}. */
static void tokenize(struct tpl *t)
{
	const char *s = t->src.data, *end = s + t->src.len;
	const char *text = s;
	int line = 1, text_line = 1;
	const char *p = s;
	while (p < end) {
		if (!(p[0] == '{' && p + 1 < end && (p[1] == '{' || p[1] == '%' || p[1] == '#'))) {
			line += *p == '\n';
			p++;
			continue;
		}
		add_seg(t, SEG_TEXT, text, (size_t)(p - text), text_line, false, false);
		shadow_newlines(t, text, (size_t)(p - text));
		char open = p[1];
		char close = open == '{' ? '}' : open;
		enum seg_kind kind = open == '{' ? SEG_OUT : open == '%' ? SEG_STMT : SEG_COMMENT;
		const char *what = open == '{' ? "{{" : open == '%' ? "{%" : "{#";
		int tag_line = line;
		const char *q = p + 2;
		bool trim_l = false, trim_r = false;
		if (q < end && *q == '-') {
			trim_l = true;
			q++;
		}
		const char *r = q;
		for (;;) {
			if (r + 1 >= end)
				fail(t->path, tag_line, "%s is not closed (%c} missing)", what,
				     close);
			if (r[0] == close && r[1] == '}')
				break;
			if (kind != SEG_COMMENT && (*r == '"' || *r == '\'')) {
				char quote = *r++;
				while (r < end && *r != quote) {
					if (*r == '\\' && r + 1 < end)
						r++;
					if (*r == '\n')
						fail(t->path, line,
						     "a string or character literal in %s is not "
						     "closed "
						     "on its line",
						     what);
					r++;
				}
				if (r >= end)
					fail(t->path, tag_line, "%s is not closed (%c} missing)",
					     what, close);
				r++;
				continue;
			}
			if (kind != SEG_COMMENT && r[0] == '/' && r[1] == '*') {
				int comment_line = line;
				r += 2;
				while (r + 1 < end && !(r[0] == '*' && r[1] == '/')) {
					line += *r == '\n';
					r++;
				}
				if (r + 1 >= end)
					fail(t->path, comment_line,
					     "a /* comment */ in %s is not closed", what);
				r += 2;
				continue;
			}
			line += *r == '\n';
			r++;
		}
		const char *inner_end = r;
		if (inner_end > q && inner_end[-1] == '-') {
			trim_r = true;
			inner_end--;
		}
		add_seg(t, kind, q, (size_t)(inner_end - q), tag_line, trim_l, trim_r);
		if (kind == SEG_COMMENT) {
			put(&t->shadow, "  ");
			shadow_comment(t, q, (size_t)(inner_end - q));
			put(&t->shadow, "  ");
		} else {
			put(&t->shadow, "   ");
			putn(&t->shadow, q, (size_t)(inner_end - q));
			put(&t->shadow, "   ");
		}
		p = r + 2;
		text = p;
		text_line = line;
	}
	add_seg(t, SEG_TEXT, text, (size_t)(end - text), text_line, false, false);
	shadow_newlines(t, text, (size_t)(end - text));
}

static void strip_front(struct seg *sg, size_t k)
{
	sg->line += count_lines(sg->p, k);
	sg->p += k;
	sg->n -= k;
}

/* White space control. A {% %} or {# #} tag alone on its line (nothing
 * but spaces and tabs around it) takes the whole line with it, newline
 * included. Then the trim markers strip all white space, newlines
 * included, on their side. */
static void whitespace(struct tpl *t)
{
	for (size_t i = 0; i < t->nsegs; i++) {
		struct seg *sg = &t->segs[i];
		if (sg->kind != SEG_STMT && sg->kind != SEG_COMMENT)
			continue;
		bool left = true, right = true;
		if (i > 0) {
			const struct seg *pv = &t->segs[i - 1];
			if (pv->kind != SEG_TEXT) {
				left = false;
			} else {
				size_t k = pv->n;
				while (k > 0 && (pv->p[k - 1] == ' ' || pv->p[k - 1] == '\t'))
					k--;
				left = k > 0 ? pv->p[k - 1] == '\n' : i - 1 == 0;
			}
		}
		if (i + 1 < t->nsegs) {
			const struct seg *nx = &t->segs[i + 1];
			if (nx->kind != SEG_TEXT) {
				right = false;
			} else {
				size_t k = 0;
				while (k < nx->n &&
				       (nx->p[k] == ' ' || nx->p[k] == '\t' || nx->p[k] == '\r'))
					k++;
				right = k < nx->n ? nx->p[k] == '\n' : i + 2 == t->nsegs;
			}
		}
		sg->alone = left && right;
	}
	for (size_t i = 0; i < t->nsegs; i++) {
		struct seg *sg = &t->segs[i];
		struct seg *pv = i > 0 && t->segs[i - 1].kind == SEG_TEXT ? &t->segs[i - 1] : NULL;
		struct seg *nx =
		    i + 1 < t->nsegs && t->segs[i + 1].kind == SEG_TEXT ? &t->segs[i + 1] : NULL;
		if (sg->alone) {
			while (pv && pv->n > 0 &&
			       (pv->p[pv->n - 1] == ' ' || pv->p[pv->n - 1] == '\t'))
				pv->n--;
			if (nx) {
				size_t k = 0;
				while (k < nx->n && nx->p[k] != '\n')
					k++;
				strip_front(nx, k < nx->n ? k + 1 : k);
			}
		}
		if (sg->kind == SEG_TEXT)
			continue;
		if (sg->trim_l)
			while (pv && pv->n > 0 && is_space(pv->p[pv->n - 1]))
				pv->n--;
		if (sg->trim_r && nx) {
			size_t k = 0;
			while (k < nx->n && is_space(nx->p[k]))
				k++;
			strip_front(nx, k);
		}
	}
}

/* ---- the HTML context ------------------------------------------------------ */

enum hst {
	H_TEXT,            /* text between tags */
	H_RCDATA,          /* the text of <title> or <textarea> */
	H_RAWTEXT,         /* inside <script>, <style> and the like: no output */
	H_COMMENT,         /* <!-- ... --> */
	H_CDATA,           /* <![CDATA[ ... ]]> */
	H_DECL,            /* <!doctype ...>, <?...> */
	H_TAG_OPEN,        /* just after < */
	H_END_TAG_OPEN,    /* just after </ */
	H_TAG_NAME,        /* <na */
	H_TAG,             /* <a ..., where an attribute may start */
	H_ATTR_NAME,       /* <a hr */
	H_AFTER_ATTR_NAME, /* <a href  (a space after the name) */
	H_BEFORE_VALUE,    /* <a href= */
	H_VALUE,           /* <a href="... */
	H_AFTER_VALUE,     /* <a href="..." */
	H_SEP,             /* between attributes after a {% %} tag: a space, / or > must follow */
};

enum akind {
	A_PLAIN,   /* escaped */
	A_URL,     /* escaped, and its scheme checked */
	A_SCRIPT,  /* on*: no output */
	A_STYLE,   /* style: no output */
	A_REFUSED, /* srcset, srcdoc, ping, SVG animation: no output */
};

enum ust {
	U_START,  /* nothing of the URL yet */
	U_PREFIX, /* static text without ':', '/', '?' or '#' (a scheme, or a relative path) */
	U_VALUE,  /* a value at the start, checked at run time; no ':' may follow before / ? # */
	U_DONE,   /* the scheme is known (static and allowed, or a relative URL) */
};

struct ctx {
	enum hst st;
	bool end_tag;
	char tag[32];  /* the element's name, lower case ("" when too long) */
	char attr[48]; /* the attribute's name, lower case */
	size_t tag_len, attr_len;
	bool attr_long;
	enum akind kind;
	char quote;
	enum ust u;
	bool u_value;    /* U_PREFIX: a number or an encoded value stands in it */
	char scheme[12]; /* U_PREFIX: the static text so far, lower case */
	size_t scheme_len;
	bool scheme_long; /* longer than scheme[]: no scheme this program allows */
	int line;         /* where the tag, comment or raw text element began */
};

static bool in_tag(enum hst st)
{
	return st >= H_TAG_OPEN;
}

static bool ctx_same(const struct ctx *a, const struct ctx *b)
{
	if (a->st != b->st)
		return false;
	switch (a->st) {
	case H_RCDATA:
	case H_RAWTEXT:
		return strcmp(a->tag, b->tag) == 0;
	case H_VALUE:
		if (a->kind != b->kind || a->quote != b->quote || strcmp(a->attr, b->attr) != 0)
			return false;
		if (a->kind == A_URL &&
		    (a->u != b->u || a->u_value != b->u_value || a->scheme_len != b->scheme_len ||
		     a->scheme_long != b->scheme_long ||
		     memcmp(a->scheme, b->scheme, a->scheme_len) != 0))
			return false;
		return strcmp(a->tag, b->tag) == 0 && a->end_tag == b->end_tag;
	default:
		if (in_tag(a->st))
			return strcmp(a->tag, b->tag) == 0 && a->end_tag == b->end_tag;
		return true;
	}
}

static void describe(const struct ctx *c, char *buf, size_t n)
{
	const char *tag = c->tag[0] ? c->tag : "?";
	switch (c->st) {
	case H_TEXT:
		snprintf(buf, n, "text");
		break;
	case H_RCDATA:
		snprintf(buf, n, "the text of <%s>", tag);
		break;
	case H_RAWTEXT:
		snprintf(buf, n, "<%s>", tag);
		break;
	case H_COMMENT:
		snprintf(buf, n, "an HTML comment");
		break;
	case H_CDATA:
		snprintf(buf, n, "a CDATA section");
		break;
	case H_DECL:
		snprintf(buf, n, "a <!...> declaration");
		break;
	case H_TAG_OPEN:
	case H_END_TAG_OPEN:
	case H_TAG_NAME:
		snprintf(buf, n, "a tag name");
		break;
	case H_ATTR_NAME:
	case H_AFTER_ATTR_NAME:
		snprintf(buf, n, "the tag <%s>, after the attribute name %s", tag, c->attr);
		break;
	case H_BEFORE_VALUE:
		snprintf(buf, n, "the tag <%s>, after %s=", tag, c->attr);
		break;
	case H_VALUE:
		snprintf(buf, n, "the value of %s in <%s>%s", c->attr, tag,
		         c->kind != A_URL  ? ""
		         : c->u == U_DONE  ? " (after the start of the URL)"
		         : c->u == U_START ? " (at the start of the URL)"
		         : c->u == U_VALUE ? " (after a value at the start of the URL)"
		                           : " (in the scheme or first word of the URL)");
		break;
	case H_TAG:
		snprintf(buf, n, "the tag <%s>, between attributes", tag);
		break;
	case H_AFTER_VALUE:
	case H_SEP:
		snprintf(buf, n, "the tag <%s>, right after an attribute", tag);
		break;
	}
}

static bool name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The attributes whose value is a URL (README.md, "Templates"). */
static const char *const url_attrs[] = {
    "href",       "src",        "action",  "formaction", "poster",   "cite",     "data",
    "background", "longdesc",   "usemap",  "icon",       "manifest", "codebase", "lowsrc",
    "dynsrc",     "xlink:href", "classid", "archive",    NULL};
static const char *const refused_attrs[] = {"srcset", "imagesrcset", "srcdoc", "ping", NULL};
static const char *const svg_animation[] = {"set", "animate", "animatemotion", "animatetransform",
                                            NULL};

static enum akind attr_kind(const struct ctx *c)
{
	const char *a = c->attr;
	if (c->attr_long || !c->tag[0])
		return A_REFUSED;
	if (a[0] == 'o' && a[1] == 'n')
		return A_SCRIPT;
	if (strcmp(a, "style") == 0)
		return A_STYLE;
	if (name_in(a, refused_attrs) || name_in(c->tag, svg_animation))
		return A_REFUSED;
	if (name_in(a, url_attrs))
		return A_URL;
	if (strncmp(a, "data-", 5) == 0 &&
	    (ends_with(a, "-url") || ends_with(a, "-href") || ends_with(a, "-src") ||
	     strcmp(a, "data-url") == 0 || strcmp(a, "data-href") == 0 ||
	     strcmp(a, "data-src") == 0))
		return A_URL;
	return A_PLAIN;
}

static const char *const rawtext_tags[] = {"script",  "style",    "xmp",       "iframe",
                                           "noembed", "noframes", "plaintext", NULL};
static const char *const rcdata_tags[] = {"title", "textarea", NULL};

static bool allowed_scheme(const char *s, size_t n)
{
	static const char *const ok[] = {"http", "https", "mailto", "tel", NULL};
	for (const char *const *k = ok; *k; k++)
		if (strlen(*k) == n && memcmp(*k, s, n) == 0)
			return true;
	return false;
}

struct gen {
	struct tpl *t;
	struct ctx ctx;
	struct block {
		bool is_for;
		int line;
		struct ctx start; /* the context where each branch (or the loop body) starts */
		struct ctx end;   /* where the branches so far end */
		bool have_end, has_else;
	} blocks[MAX_BLOCKS];
	int nblocks;
	struct sb lit; /* static text not yet written */
	int lit_line;
	int depth;
	bool started; /* text or output seen: {% params %} and {% header %} come before */
};

static void end_of_tag(struct gen *g)
{
	struct ctx *c = &g->ctx;
	if (!c->end_tag && name_in(c->tag, rawtext_tags))
		c->st = H_RAWTEXT;
	else if (!c->end_tag && name_in(c->tag, rcdata_tags))
		c->st = H_RCDATA;
	else
		c->st = H_TEXT;
}

static void attr_done(struct gen *g)
{
	g->ctx.kind = attr_kind(&g->ctx);
}

/* A static character inside a URL attribute's value. */
static void url_char(struct gen *g, char ch, int line)
{
	struct ctx *c = &g->ctx;
	const char *path = g->t->path;
	if (c->u == U_DONE)
		return;
	if (ch == '/' || ch == '?' || ch == '#') {
		c->u = U_DONE;
		return;
	}
	if (ch == '&')
		fail(path, line,
		     "a character reference in %s before the URL's scheme is known: write the "
		     "character itself",
		     c->attr);
	if (ch == ':') {
		if (c->u == U_VALUE)
			fail(path, line,
			     "':' right after a value at the start of the URL in %s would make a "
			     "scheme of it: put '/', '?' or '#' first",
			     c->attr);
		if (c->u_value)
			fail(path, line, "the scheme of the URL in %s cannot come from a value",
			     c->attr);
		if (c->scheme_long || !allowed_scheme(c->scheme, c->scheme_len))
			fail(path, line,
			     "the URL scheme '%.*s%s:' in %s is not allowed (http, https, mailto, "
			     "tel or a relative URL)",
			     (int)c->scheme_len, c->scheme, c->scheme_long ? "..." : "", c->attr);
		c->u = U_DONE;
		return;
	}
	if (c->u == U_VALUE)
		return;
	/* a browser ignores leading spaces and controls, and tabs and newlines */
	if (c->u == U_START && (unsigned char)ch <= 0x20)
		return;
	if (ch == '\t' || ch == '\n' || ch == '\r')
		return;
	c->u = U_PREFIX;
	if (c->scheme_len < sizeof(c->scheme))
		c->scheme[c->scheme_len++] = lower(ch);
	else
		c->scheme_long = true;
}

/* Follows the HTML tokenizer through static text (as far as templates
 * need it): where tags, attributes, values, comments and raw text
 * elements begin and end. */
static void scan_text(struct gen *g, const char *s, size_t n, int line)
{
	struct ctx *c = &g->ctx;
	const char *path = g->t->path;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		switch (c->st) {
		case H_TEXT:
			if (ch == '<') {
				c->st = H_TAG_OPEN;
				c->line = line;
			}
			break;
		case H_RCDATA:
		case H_RAWTEXT:
			if (ch == '<' && i + 1 < n && s[i + 1] == '/') {
				size_t m = strlen(c->tag), k = 0;
				while (k < m && i + 2 + k < n && lower(s[i + 2 + k]) == c->tag[k])
					k++;
				if (k == m && i + 2 + m < n &&
				    (is_space(s[i + 2 + m]) || s[i + 2 + m] == '/' ||
				     s[i + 2 + m] == '>')) {
					c->st = H_END_TAG_OPEN;
					c->line = line;
					i++;
				}
			}
			break;
		case H_COMMENT:
			if (ch == '-' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == '>') {
				c->st = H_TEXT;
				i += 2;
			}
			break;
		case H_CDATA:
			if (ch == ']' && i + 2 < n && s[i + 1] == ']' && s[i + 2] == '>') {
				c->st = H_TEXT;
				i += 2;
			}
			break;
		case H_DECL:
			if (ch == '>')
				c->st = H_TEXT;
			break;
		case H_TAG_OPEN:
			if (is_alpha(ch)) {
				c->st = H_TAG_NAME;
				c->end_tag = false;
				c->tag[0] = lower(ch);
				c->tag[1] = '\0';
				c->tag_len = 1;
			} else if (ch == '/') {
				c->st = H_END_TAG_OPEN;
			} else if (ch == '!') {
				if (i + 2 < n && s[i + 1] == '-' && s[i + 2] == '-') {
					c->st = H_COMMENT;
					i += 2;
				} else if (n - i > 7 && memcmp(s + i + 1, "[CDATA[", 7) == 0) {
					c->st = H_CDATA;
					i += 7;
				} else {
					c->st = H_DECL;
				}
			} else if (ch == '?') {
				c->st = H_DECL;
			} else {
				c->st = H_TEXT; /* a lone '<' is text */
				i--;
			}
			break;
		case H_END_TAG_OPEN:
			if (is_alpha(ch)) {
				c->st = H_TAG_NAME;
				c->end_tag = true;
				c->tag[0] = lower(ch);
				c->tag[1] = '\0';
				c->tag_len = 1;
			} else if (ch == '>') {
				c->st = H_TEXT;
			} else {
				c->st = H_DECL;
			}
			break;
		case H_TAG_NAME:
			if (is_space(ch) || ch == '/') {
				c->st = H_TAG;
			} else if (ch == '>') {
				end_of_tag(g);
			} else if (c->tag_len + 1 < sizeof(c->tag)) {
				c->tag[c->tag_len++] = lower(ch);
				c->tag[c->tag_len] = '\0';
			} else {
				c->tag[0] = '\0'; /* too long for any name this program knows */
			}
			break;
		case H_SEP:
			if (!is_space(ch) && ch != '/' && ch != '>')
				fail(path, line,
				     "write a space, '/' or '>' after a {%% %%} tag between the "
				     "attributes of <%s>",
				     c->tag);
			if (ch == '>')
				end_of_tag(g);
			else
				c->st = H_TAG;
			break;
		case H_TAG:
		case H_AFTER_ATTR_NAME:
		case H_AFTER_VALUE:
			if (is_space(ch) || ch == '/') {
				c->st = c->st == H_AFTER_ATTR_NAME && ch != '/' ? H_AFTER_ATTR_NAME
				                                                : H_TAG;
			} else if (ch == '>') {
				end_of_tag(g);
			} else if (c->st == H_AFTER_ATTR_NAME && ch == '=') {
				c->st = H_BEFORE_VALUE;
			} else if (ch == '"' || ch == '\'' || ch == '<' || ch == '=') {
				fail(path, line, "unexpected %c in the tag <%s>", ch, c->tag);
			} else if (c->st == H_AFTER_VALUE) {
				fail(path, line,
				     "write a space between the attributes of <%s> (after "
				     "%s=\"...\")",
				     c->tag, c->attr);
			} else {
				c->st = H_ATTR_NAME;
				c->attr[0] = lower(ch);
				c->attr[1] = '\0';
				c->attr_len = 1;
				c->attr_long = false;
			}
			break;
		case H_ATTR_NAME:
			if (is_space(ch)) {
				attr_done(g);
				c->st = H_AFTER_ATTR_NAME;
			} else if (ch == '/') {
				attr_done(g);
				c->st = H_TAG;
			} else if (ch == '>') {
				attr_done(g);
				end_of_tag(g);
			} else if (ch == '=') {
				attr_done(g);
				c->st = H_BEFORE_VALUE;
			} else if (ch == '"' || ch == '\'' || ch == '<') {
				fail(path, line, "unexpected %c in an attribute name of <%s>", ch,
				     c->tag);
			} else if (c->attr_len + 1 < sizeof(c->attr)) {
				c->attr[c->attr_len++] = lower(ch);
				c->attr[c->attr_len] = '\0';
			} else {
				c->attr_long = true;
			}
			break;
		case H_BEFORE_VALUE:
			if (is_space(ch))
				break;
			if (ch == '"' || ch == '\'') {
				c->st = H_VALUE;
				c->quote = ch;
				c->u = U_START;
				c->u_value = false;
				c->scheme_len = 0;
				c->scheme_long = false;
			} else if (ch == '>') {
				fail(path, line, "the attribute %s of <%s> has no value after '='",
				     c->attr, c->tag);
			} else {
				fail(path, line,
				     "the value of %s in <%s> is not quoted: write %s=\"...\"",
				     c->attr, c->tag, c->attr);
			}
			break;
		case H_VALUE:
			if (ch == c->quote)
				c->st = H_AFTER_VALUE;
			else if (c->kind == A_URL)
				url_char(g, ch, line);
			break;
		}
		line += ch == '\n';
	}
}

/* ---- writing C ------------------------------------------------------------- */

static void indent(struct gen *g)
{
	for (int i = 0; i < g->depth; i++)
		put(&g->t->code, "\t");
}

static void line_directive_to(struct sb *o, const char *path, int line)
{
	putf(o, "#line %d \"", line);
	for (const char *p = path; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(o, "\\");
		putn(o, p, 1);
	}
	put(o, "\"\n");
}

static void line_directive(struct gen *g, int line)
{
	line_directive_to(&g->t->code, g->t->path, line);
}

/* The pending static text as one append. */
static void flush(struct gen *g)
{
	struct sb *o = &g->t->code;
	if (!g->lit.len)
		return;
	line_directive(g, g->lit_line);
	indent(g);
	put(o, "if (!sb_append(tpl_out, \"");
	for (size_t i = 0; i < g->lit.len; i++) {
		unsigned char ch = (unsigned char)g->lit.data[i];
		switch (ch) {
		case '"':
			put(o, "\\\"");
			break;
		case '\\':
			put(o, "\\\\");
			break;
		case '?':
			put(o, "\\?"); /* no trigraphs */
			break;
		case '\t':
			put(o, "\\t");
			break;
		case '\r':
			put(o, "\\r");
			break;
		case '\n':
			put(o, "\\n");
			if (i + 1 < g->lit.len) {
				put(o, "\"\n");
				indent(g);
				put(o, "                      \"");
			}
			break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				putf(o, "\\%03o", ch);
			else
				putn(o, (const char *)&ch, 1);
		}
	}
	putf(o, "\", %zu))\n", g->lit.len);
	indent(g);
	put(o, "\treturn false;\n");
	sb_reset(&g->lit);
}

static void text(struct gen *g, const struct seg *sg)
{
	if (!sg->n)
		return;
	if (!g->lit.len)
		g->lit_line = sg->line;
	scan_text(g, sg->p, sg->n, sg->line);
	putn(&g->lit, sg->p, sg->n);
	g->started = true;
}

static int line_at(const struct seg *sg, const char *p)
{
	return sg->line + count_lines(sg->p, (size_t)(p - sg->p));
}

/* Code taken from the template: as it is, so that its line breaks keep
 * the line numbers of #line right. */
static void code(struct gen *g, const char *p, size_t n)
{
	putn(&g->t->code, p, n);
}

/* The newlines of a part of the template left out of the C code. */
static void skipped(struct gen *g, const char *p, size_t n)
{
	for (int k = count_lines(p, n); k > 0; k--)
		put(&g->t->code, "\n");
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

static const char *trim_end(const char *p, const char *end)
{
	while (end > p && is_space(end[-1]))
		end--;
	return end;
}

/* Skips a C string or character literal or a comment at p; p when there
 * is none. */
static const char *skip_c_token(const char *p, const char *end)
{
	if (*p == '"' || *p == '\'') {
		char q = *p++;
		while (p < end && *p != q) {
			if (*p == '\\' && p + 1 < end)
				p++;
			p++;
		}
		return p < end ? p + 1 : end;
	}
	if (*p == '/' && p + 1 < end && p[1] == '*') {
		p += 2;
		while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
			p++;
		return p + 1 < end ? p + 2 : end;
	}
	return p;
}

/* Walks C code outside literals and comments, counting brackets. With
 * want_bar: the first '|' at depth 0 that is not part of || or |= (the
 * filter separator); else the bracket that closes the one at p. NULL
 * when there is none. */
static const char *scan_code(const char *p, const char *end, bool want_bar)
{
	int depth = 0;
	while (p < end) {
		const char *q = skip_c_token(p, end);
		if (q != p) {
			p = q;
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if (*p == ')' || *p == ']' || *p == '}') {
			if (--depth == 0 && !want_bar)
				return p;
		} else if (want_bar && *p == '|' && depth == 0) {
			if (p + 1 < end && (p[1] == '|' || p[1] == '='))
				p++;
			else
				return p;
		}
		p++;
	}
	return NULL;
}

static const char *find_filter(const char *p, const char *end)
{
	return scan_code(p, end, true);
}

/* The ')' that closes the '(' at p, or NULL. */
static const char *matching_paren(const char *p, const char *end)
{
	return scan_code(p, end, false);
}

static bool blank_code(const char *p, const char *end)
{
	while (p < end) {
		if (is_space(*p)) {
			p++;
			continue;
		}
		if (*p == '/' && p + 1 < end && p[1] == '*') {
			p = skip_c_token(p, end);
			continue;
		}
		return false;
	}
	return true;
}

enum out_kind { O_STR, O_LONG, O_URLENCODE, O_FORMAT, O_HTML };

/* {{ expr }}, {{ expr | filter }} */
static void output(struct gen *g, const struct seg *sg)
{
	const char *path = g->t->path;
	const char *end = sg->p + sg->n;
	const char *bar = find_filter(sg->p, end);
	const char *expr_end = bar ? bar : end;
	enum out_kind kind = O_STR;
	const char *args = NULL, *args_end = NULL;
	if (blank_code(sg->p, expr_end))
		fail(path, sg->line, "{{ }} without an expression");
	if (bar) {
		const char *f = skip_space(bar + 1, end), *fe = f;
		while (fe < end && is_ident(*fe))
			fe++;
		size_t fn = (size_t)(fe - f);
		const char *rest = skip_space(fe, end);
		if (fn == 4 && memcmp(f, "long", 4) == 0)
			kind = O_LONG;
		else if (fn == 4 && memcmp(f, "html", 4) == 0)
			kind = O_HTML;
		else if (fn == 9 && memcmp(f, "urlencode", 9) == 0)
			kind = O_URLENCODE;
		else if (fn == 6 && memcmp(f, "format", 6) == 0) {
			kind = O_FORMAT;
			if (rest >= end || *rest != '(')
				fail(path, line_at(sg, f),
				     "| format needs its arguments: | format(a, b)");
			const char *close = matching_paren(rest, end);
			if (!close)
				fail(path, line_at(sg, rest), "| format( is not closed");
			args = rest + 1;
			args_end = close;
			rest = skip_space(close + 1, end);
		} else {
			fail(path, line_at(sg, f),
			     "unknown filter '%.*s' (long, html, urlencode, format(...)); write a "
			     "bitwise | in parentheses",
			     (int)fn, f);
		}
		if (rest < end)
			fail(path, line_at(sg, rest),
			     "unexpected text after the filter %.*s: one filter per {{ }}", (int)fn,
			     f);
	}
	struct ctx *c = &g->ctx;
	const char *fn = NULL;
	int line = sg->line;
	switch (c->st) {
	case H_TEXT:
	case H_RCDATA:
		if (kind == O_HTML && c->st == H_RCDATA)
			fail(path, line, "raw HTML (| html) inside <%s>: only in text", c->tag);
		fn = kind == O_HTML ? "tpl_raw" : "tpl_text";
		break;
	case H_RAWTEXT:
		fail(path, line,
		     "no output inside <%s>: pass values to scripts in data- attributes, and "
		     "styles in classes",
		     c->tag);
	case H_COMMENT:
		fail(path, line, "no output inside an HTML comment (use {# #} for a comment)");
	case H_CDATA:
	case H_DECL:
		fail(path, line, "no output inside <!...> or <?...>");
	case H_TAG_OPEN:
	case H_END_TAG_OPEN:
	case H_TAG_NAME:
		fail(path, line, "no output in a tag name");
	case H_TAG:
	case H_AFTER_VALUE:
	case H_SEP:
		fail(path, line,
		     "no output between the attributes of <%s>: only inside a quoted attribute "
		     "value",
		     c->tag);
	case H_ATTR_NAME:
	case H_AFTER_ATTR_NAME:
		fail(path, line, "no output in an attribute name (in <%s>)", c->tag);
	case H_BEFORE_VALUE:
		fail(path, line, "the value of %s in <%s> is not quoted: write %s=\"{{ ... }}\"",
		     c->attr, c->tag, c->attr);
	case H_VALUE:
		if (kind == O_HTML)
			fail(path, line, "raw HTML (| html) in the attribute %s: only in text",
			     c->attr);
		if (c->kind == A_SCRIPT)
			fail(path, line, "no output in the event handler attribute %s", c->attr);
		if (c->kind == A_STYLE)
			fail(path, line, "no output in a style attribute: use a class");
		if (c->kind == A_REFUSED)
			fail(path, line,
			     "no output in the attribute %s of <%s> (not supported: its value "
			     "is neither text nor one URL)",
			     c->attr, c->tag[0] ? c->tag : "?");
		fn = "tpl_attr";
		if (c->kind != A_URL || c->u == U_DONE)
			break;
		/* the scheme of the URL is not known yet */
		if (kind == O_FORMAT)
			fail(path, line,
			     "| format in the URL of %s only after its '/', '?' or '#' (or "
			     "scheme)",
			     c->attr);
		if (kind == O_LONG || kind == O_URLENCODE) {
			/* neither can make a ':' (nor '/', '?', '#') */
			if (c->u != U_VALUE) {
				c->u = U_PREFIX;
				c->u_value = true;
			}
			break;
		}
		if (c->u == U_PREFIX)
			fail(path, line,
			     "a value inside the first word of the URL in %s: start the URL with "
			     "the value, or with '/', '?', '#' or a scheme",
			     c->attr);
		if (c->u == U_VALUE)
			fail(path, line,
			     "two values at the start of the URL in %s: put '/', '?' or '#' "
			     "between them",
			     c->attr);
		fn = "tpl_url";
		c->u = U_VALUE;
		break;
	}
	if (kind == O_LONG)
		fn = "tpl_long";
	else if (kind == O_URLENCODE)
		fn = "tpl_urlencode";
	else if (kind == O_FORMAT)
		fn = "tpl_textf";
	g->started = true;
	flush(g);
	line_directive(g, sg->line);
	indent(g);
	putf(&g->t->code, "if (!%s(tpl_out, ", fn);
	code(g, sg->p, (size_t)(expr_end - sg->p));
	if (kind == O_FORMAT) {
		skipped(g, expr_end, (size_t)(args - expr_end));
		if (!blank_code(args, args_end)) {
			put(&g->t->code, ", ");
			code(g, args, (size_t)(args_end - args));
		}
	} else if (bar) {
		skipped(g, bar, (size_t)(end - bar));
	}
	put(&g->t->code, "))\n");
	indent(g);
	put(&g->t->code, "\treturn false;\n");
}

/* Where a {% %} that branches or loops may stand; the context it leaves
 * for the markup after it. Between attributes, the tag ends an
 * attribute name, and a space, '/' or '>' has to follow (H_SEP), so
 * that markup after the tag can never run on into the name before it. */
static void control_point(struct gen *g, const struct seg *sg, const char *word)
{
	struct ctx *c = &g->ctx;
	switch (c->st) {
	case H_TAG_OPEN:
	case H_END_TAG_OPEN:
	case H_TAG_NAME:
		fail(g->t->path, sg->line, "{%% %s %%} inside a tag name", word);
	case H_BEFORE_VALUE:
		fail(g->t->path, sg->line, "{%% %s %%} after %s=: the value must be quoted", word,
		     c->attr);
	case H_ATTR_NAME:
		attr_done(g);
		c->st = H_SEP;
		break;
	case H_AFTER_ATTR_NAME:
	case H_AFTER_VALUE:
		c->st = H_SEP;
		break;
	default:
		break;
	}
}

/* The context after two ways through the template meet: they must be the
 * same, except that "between attributes" and "between attributes, a
 * space must follow" meet as the latter. */
static bool merge(struct ctx *into, const struct ctx *other)
{
	if (ctx_same(into, other))
		return true;
	bool a = into->st == H_TAG || into->st == H_SEP;
	bool b = other->st == H_TAG || other->st == H_SEP;
	if (a && b && strcmp(into->tag, other->tag) == 0 && into->end_tag == other->end_tag) {
		into->st = H_SEP;
		return true;
	}
	return false;
}

__attribute__((noreturn)) static void mismatch(struct gen *g, int line, const char *what,
                                               int block_line, const struct ctx *a,
                                               const struct ctx *b)
{
	char da[160], db[160];
	describe(a, da, sizeof(da));
	describe(b, db, sizeof(db));
	fail(g->t->path, line, "%s (line %d) ends in different HTML contexts: %s, and %s", what,
	     block_line, da, db);
}

static void branch_end(struct gen *g, struct block *b, int line)
{
	if (!b->have_end) {
		b->end = g->ctx;
		b->have_end = true;
	} else if (!merge(&b->end, &g->ctx)) {
		mismatch(g, line, "{% if %}", b->line, &b->end, &g->ctx);
	}
}

static void emit_block_code(struct gen *g, int line, const char *before, const char *p,
                            const char *end, const char *after)
{
	flush(g);
	line_directive(g, line);
	indent(g);
	put(&g->t->code, before);
	code(g, p, (size_t)(end - p));
	put(&g->t->code, after);
}

static bool known_template(const char *name, size_t n)
{
	for (size_t i = 0; i < ntpls; i++)
		if (strlen(tpls[i].name) == n && memcmp(tpls[i].name, name, n) == 0)
			return true;
	return false;
}

/* The names of the parameters, for (void)name; (a template need not use
 * every parameter). */
static void param_names(struct tpl *t, const char *p, const char *end)
{
	while (p < end) {
		const char *comma = p;
		int depth = 0;
		while (comma < end && !(*comma == ',' && depth == 0)) {
			if (*comma == '(' || *comma == '[')
				depth++;
			else if (*comma == ')' || *comma == ']')
				depth--;
			comma++;
		}
		const char *e = trim_end(p, comma);
		while (e > p && e[-1] == ']') { /* const char *names[4] */
			while (e > p && e[-1] != '[')
				e--;
			e = trim_end(p, e > p ? e - 1 : e);
		}
		const char *b = e;
		while (b > p && is_ident(b[-1]))
			b--;
		if (b == e || (b[0] >= '0' && b[0] <= '9') || skip_space(p, b) == b)
			fail(t->path, t->params_line,
			     "cannot find the name of the parameter '%.*s'", (int)(comma - p), p);
		putf(&t->voids, "\t(void)%.*s;\n", (int)(e - b), b);
		p = comma < end ? comma + 1 : end;
	}
}

static void statement(struct gen *g, const struct seg *sg)
{
	struct tpl *t = g->t;
	const char *path = t->path;
	const char *end = sg->p + sg->n;
	const char *w = skip_space(sg->p, end), *we = w;
	while (we < end && is_ident(*we))
		we++;
	char word[16];
	size_t wn = (size_t)(we - w);
	if (wn == 0)
		fail(path, sg->line,
		     "{%% %%} without a directive (if, elif, else, end, for, let, "
		     "include, params, header)");
	snprintf(word, sizeof(word), "%.*s", (int)(wn < 15 ? wn : 15), w);
	const char *arg = skip_space(we, end), *arg_end = trim_end(arg, end);
	bool has_arg = !blank_code(arg, arg_end);
	int arg_line = line_at(sg, arg);
	struct ctx *c = &g->ctx;
	flush(g); /* the text before goes where it stands, before any } or { */

	if (strcmp(word, "params") == 0) {
		if (g->started || t->have_params)
			fail(path, sg->line,
			     t->have_params
			         ? "a second {%% params %%}"
			         : "{%% params %%} must come first, before any text or output");
		t->have_params = true;
		t->params_line = arg_line;
		if (has_arg) {
			putn(&t->params, arg, (size_t)(arg_end - arg));
			param_names(t, arg, arg_end);
		}
	} else if (strcmp(word, "header") == 0) {
		if (g->started)
			fail(path, sg->line,
			     "{%% header %%} must come first, before any text or output");
		size_t n = (size_t)(arg_end - arg);
		if (n < 3 ||
		    !((arg[0] == '"' && arg[n - 1] == '"') ||
		      (arg[0] == '<' && arg[n - 1] == '>')) ||
		    memchr(arg + 1, arg[0] == '"' ? '"' : '>', n - 2))
			fail(path, sg->line,
			     "{%% header \"file.h\" %%} or {%% header <file.h> %%}");
		putf(&t->includes, "#include %.*s\n", (int)n, arg);
	} else if (strcmp(word, "if") == 0 || strcmp(word, "for") == 0) {
		bool is_for = word[0] == 'f';
		if (!has_arg)
			fail(path, sg->line,
			     is_for ? "{%% for %%} needs a C loop header: {%% for (init; "
			              "cond; step) %%}"
			            : "{%% if %%} needs a condition");
		if (is_for && (arg[0] != '(' || matching_paren(arg, arg_end) != arg_end - 1))
			fail(path, sg->line,
			     "{%% for %%} takes a C loop header in parentheses: {%% for (size_t i "
			     "= 0; "
			     "i < n; i++) %%}");
		if (g->nblocks == MAX_BLOCKS)
			fail(path, sg->line, "more than %d nested {%% if %%} and {%% for %%}",
			     MAX_BLOCKS);
		control_point(g, sg, word);
		struct block *b = &g->blocks[g->nblocks++];
		*b = (struct block){.is_for = is_for, .line = sg->line, .start = *c};
		if (is_for)
			emit_block_code(g, arg_line, "for ", arg, arg_end, " {\n");
		else
			emit_block_code(g, arg_line, "if (", arg, arg_end, ") {\n");
		g->depth++;
	} else if (strcmp(word, "elif") == 0 || strcmp(word, "else") == 0) {
		bool is_else = word[1] == 'l' && word[2] == 's';
		struct block *b = g->nblocks ? &g->blocks[g->nblocks - 1] : NULL;
		if (!b || b->is_for)
			fail(path, sg->line, "{%% %s %%} without {%% if %%}", word);
		if (b->has_else)
			fail(path, sg->line, "{%% %s %%} after {%% else %%} (line %d's if)", word,
			     b->line);
		if (is_else && has_arg)
			fail(path, sg->line, "{%% else %%} takes no condition: {%% elif cond %%}");
		if (!is_else && !has_arg)
			fail(path, sg->line, "{%% elif %%} needs a condition");
		control_point(g, sg, word);
		branch_end(g, b, sg->line);
		*c = b->start;
		g->depth--;
		if (is_else) {
			b->has_else = true;
			emit_block_code(g, sg->line, "} else {\n", arg, arg, "");
		} else {
			emit_block_code(g, arg_line, "} else if (", arg, arg_end, ") {\n");
		}
		g->depth++;
	} else if (strcmp(word, "end") == 0) {
		if (!g->nblocks)
			fail(path, sg->line, "{%% end %%} without {%% if %%} or {%% for %%}");
		if (has_arg)
			fail(path, sg->line, "{%% end %%} takes nothing");
		control_point(g, sg, word);
		struct block *b = &g->blocks[--g->nblocks];
		if (b->is_for) {
			if (!ctx_same(c, &b->start))
				mismatch(g, sg->line, "the body of {% for %}", b->line, &b->start,
				         c);
		} else {
			branch_end(g, b, sg->line);
			if (!b->has_else && !merge(&b->end, &b->start))
				mismatch(g, sg->line, "{% if %} without {% else %}", b->line,
				         &b->start, &b->end);
			*c = b->end;
		}
		g->depth--;
		emit_block_code(g, sg->line, "}\n", arg, arg, "");
	} else if (strcmp(word, "let") == 0) {
		if (!has_arg)
			fail(path, sg->line,
			     "{%% let %%} needs a declaration: {%% let const char *x = "
			     "expr %%}");
		emit_block_code(g, arg_line, "", arg, arg_end, ";\n");
	} else if (strcmp(word, "include") == 0) {
		const char *ne = arg;
		while (ne < arg_end && is_ident(*ne))
			ne++;
		const char *paren = skip_space(ne, arg_end);
		if (ne == arg || paren >= arg_end || *paren != '(' ||
		    matching_paren(paren, arg_end) != arg_end - 1)
			fail(path, sg->line, "{%% include name(arguments) %%}");
		if (!known_template(arg, (size_t)(ne - arg)))
			fail(path, sg->line, "{%% include %.*s %%}: there is no template %.*s.html",
			     (int)(ne - arg), arg, (int)(ne - arg), arg);
		if (c->st != H_TEXT) {
			char d[160];
			describe(c, d, sizeof(d));
			fail(path, sg->line, "{%% include %%} only in text, not in %s", d);
		}
		g->started = true;
		flush(g);
		line_directive(g, arg_line);
		indent(g);
		putf(&t->code, "if (!%s%.*s(tpl_out", prefix, (int)(ne - arg), arg);
		if (!blank_code(paren + 1, arg_end - 1)) {
			put(&t->code, ", ");
			code(g, paren + 1, (size_t)(arg_end - 1 - (paren + 1)));
		}
		put(&t->code, "))\n");
		indent(g);
		put(&t->code, "\treturn false;\n");
	} else {
		fail(path, sg->line,
		     "unknown directive {%% %s %%} (if, elif, else, end, for, let, "
		     "include, params, header)",
		     word);
	}
}

static void read_source(struct tpl *t)
{
	FILE *in = fopen(t->path, "rb");
	if (!in) {
		fprintf(stderr, "tplc: %s: %s\n", t->path, strerror(errno));
		exit(1);
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (!sb_append(&t->src, buf, n)) {
			fprintf(stderr, "tplc: %s: too large\n", t->path);
			exit(1);
		}
	if (ferror(in)) {
		fprintf(stderr, "tplc: %s: %s\n", t->path, strerror(errno));
		exit(1);
	}
	fclose(in);
}

static void compile(struct tpl *t)
{
	check_utf8(t);
	tokenize(t);
	whitespace(t);

	struct gen g = {.t = t, .depth = 1};
	g.ctx.st = H_TEXT;
	sb_init(&g.lit, TPL_LIMIT);
	for (size_t i = 0; i < t->nsegs; i++) {
		const struct seg *sg = &t->segs[i];
		switch (sg->kind) {
		case SEG_TEXT:
			text(&g, sg);
			break;
		case SEG_OUT:
			output(&g, sg);
			break;
		case SEG_STMT:
			statement(&g, sg);
			break;
		case SEG_COMMENT:
			break;
		}
	}
	flush(&g);
	if (g.nblocks) {
		const struct block *b = &g.blocks[g.nblocks - 1];
		fail(t->path, b->line, "{%% %s %%} is not closed ({%% end %%} missing)",
		     b->is_for ? "for" : "if");
	}
	const struct ctx *c = &g.ctx;
	const char *tag = c->tag[0] ? c->tag : "?";
	switch (c->st) {
	case H_TEXT:
		break;
	case H_RCDATA:
	case H_RAWTEXT:
		fail(t->path, c->line, "<%s> is not closed (</%s> missing)", tag, tag);
	case H_COMMENT:
		fail(t->path, c->line, "the HTML comment is not closed (--> missing)");
	case H_CDATA:
	case H_DECL:
		fail(t->path, c->line, "<! or <? is not closed (> missing)");
	case H_VALUE:
		fail(t->path, c->line, "the value of %s in <%s> is not closed (%c missing)",
		     c->attr, tag, c->quote);
	default:
		fail(t->path, c->line, "the tag <%s> is not closed (> missing)", tag);
	}
	sb_free(&g.lit);
	/* the function body is done: now the file around it */
	struct sb body = t->code;
	sb_init(&t->code, TPL_LIMIT);
	put(&t->code, "/* generated by tools/tpl.c from ");
	put(&t->code, t->path);
	put(&t->code, ": do not edit */\n#include \"base/i18n.h\"\n#include \"base/tpl.h\"\n");
	putn(&t->code, t->includes.data, t->includes.len);
	put(&t->code, "#include \"templates.h\"\n\n");
	line_directive_to(&t->code, t->path, t->have_params ? t->params_line : 1);
	putf(&t->code, "bool %s%s(struct sb *tpl_out%s", prefix, t->name,
	     t->params.len ? ", " : "");
	putn(&t->code, t->params.data, t->params.len);
	put(&t->code, ")\n{\n\t(void)tpl_out;\n");
	putn(&t->code, t->voids.data, t->voids.len);
	putn(&t->code, body.data, body.len);
	put(&t->code, "\treturn true;\n}\n");
	sb_free(&body);
}

/* ---- files ----------------------------------------------------------------- */

static bool same_contents(const char *path, const struct sb *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	bool same = true;
	size_t off = 0;
	char buf[65536];
	size_t n;
	while (same && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		same = off + n <= b->len && memcmp(b->data + off, buf, n) == 0;
		off += n;
	}
	same = same && !ferror(f) && off == b->len;
	fclose(f);
	return same;
}

static void mkdirs(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		fprintf(stderr, "tplc: %s: path too long\n", path);
		exit(1);
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "tplc: %s: %s\n", buf, strerror(errno));
			exit(1);
		}
		*p = '/';
	}
}

/* Writes b to path unless it holds b already (the file then keeps its
 * time, so make rebuilds nothing that depends on it). */
static void write_file(const char *path, const struct sb *b)
{
	if (same_contents(path, b))
		return;
	mkdirs(path);
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0) {
		fprintf(stderr, "tplc: %s: %s\n", path, strerror(errno));
		remove(tmp);
		exit(1);
	}
}

static void template_name(struct tpl *t)
{
	const char *base = strrchr(t->path, '/');
	base = base ? base + 1 : t->path;
	size_t n = strlen(base);
	if (n < 6 || strcmp(base + n - 5, ".html") != 0)
		fail(t->path, 1, "a template's name ends in .html");
	n -= 5;
	bool ok = n < sizeof(t->name) && base[0] >= 'a' && base[0] <= 'z';
	for (size_t i = 0; ok && i < n; i++)
		ok = (base[i] >= 'a' && base[i] <= 'z') || (base[i] >= '0' && base[i] <= '9') ||
		     base[i] == '_';
	if (!ok)
		fail(t->path, 1,
		     "a template's name is lower-case letters, digits and _ (it names the C "
		     "function %sNAME)",
		     prefix);
	memcpy(t->name, base, n);
	t->name[n] = '\0';
}

int main(int argc, char **argv)
{
	int a = 1;
	if (a + 1 < argc && strcmp(argv[a], "--prefix") == 0) {
		prefix = argv[a + 1];
		a += 2;
	}
	if (argc - a < 1) {
		fprintf(stderr, "usage: tplc [--prefix P] OUTDIR TEMPLATE...\n");
		return 2;
	}
	for (const char *p = prefix; *p; p++)
		if (!is_ident(*p)) {
			fprintf(stderr, "tplc: the prefix must be a C identifier\n");
			return 2;
		}
	const char *outdir = argv[a++];
	ntpls = (size_t)(argc - a);
	tpls = calloc(ntpls ? ntpls : 1, sizeof(*tpls));
	if (!tpls)
		out_of_memory();
	for (size_t i = 0; i < ntpls; i++) {
		struct tpl *t = &tpls[i];
		t->path = argv[a + (int)i];
		if (t->path[0] == '/' || strstr(t->path, ".."))
			fail(t->path, 1, "give templates by a relative path without ..");
		sb_init(&t->src, TPL_LIMIT);
		sb_init(&t->params, TPL_LIMIT);
		sb_init(&t->voids, TPL_LIMIT);
		sb_init(&t->includes, TPL_LIMIT);
		sb_init(&t->shadow, TPL_LIMIT);
		sb_init(&t->code, TPL_LIMIT);
		template_name(t);
		for (size_t k = 0; k < i; k++)
			if (strcmp(tpls[k].name, t->name) == 0)
				fail(t->path, 1, "a second template named %s (%s)", t->name,
				     tpls[k].path);
		read_source(t);
	}
	for (size_t i = 0; i < ntpls; i++)
		compile(&tpls[i]);

	/* every template compiled: now the files */
	struct sb h, includes, path;
	sb_init(&h, TPL_LIMIT);
	sb_init(&includes, TPL_LIMIT);
	sb_init(&path, 8192);
	char guard[96];
	snprintf(guard, sizeof(guard), "WW_%sTEMPLATES_H", prefix);
	for (char *p = guard; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	putf(&h,
	     "/* generated by tools/tpl.c: do not edit. One function per template: it\n"
	     " * appends the page to tpl_out and returns false once tpl_out has failed. */\n"
	     "#ifndef %s\n#define %s\n\n#include <stdbool.h>\n\n#include \"base/sb.h\"\n"
	     "#include \"base/tpl.h\"\n",
	     guard, guard);
	for (size_t i = 0; i < ntpls; i++) {
		/* each #include once */
		const char *p = sb_str(&tpls[i].includes), *end = p + tpls[i].includes.len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)(nl - p) + 1;
			bool seen = false;
			for (const char *q = sb_str(&includes), *qe = q + includes.len; q < qe;) {
				const char *qnl = memchr(q, '\n', (size_t)(qe - q));
				if ((size_t)(qnl - q) + 1 == n && memcmp(q, p, n) == 0)
					seen = true;
				q = qnl + 1;
			}
			if (!seen)
				putn(&includes, p, n);
			p = nl + 1;
		}
	}
	putn(&h, includes.data, includes.len);
	put(&h, "\n");
	for (size_t i = 0; i < ntpls; i++) {
		const struct tpl *t = &tpls[i];
		/* a wrong type in the parameters is an error at the template's line */
		line_directive_to(&h, t->path, t->have_params ? t->params_line : 1);
		putf(&h, "bool %s%s(struct sb *tpl_out%s", prefix, t->name,
		     t->params.len ? ", " : "");
		putn(&h, t->params.data, t->params.len);
		put(&h, ");\n");
	}
	put(&h, "\n#endif\n");
	sb_reset(&path);
	putf(&path, "%s/templates.h", outdir);
	write_file(sb_str(&path), &h);
	for (size_t i = 0; i < ntpls; i++) {
		struct tpl *t = &tpls[i];
		sb_reset(&path);
		putf(&path, "%s/%s%s.c", outdir, prefix, t->name);
		write_file(sb_str(&path), &t->code);
		sb_reset(&path);
		putf(&path, "%s/xgettext/%s", outdir, t->path);
		write_file(sb_str(&path), &t->shadow);
	}
	for (size_t i = 0; i < ntpls; i++) {
		struct tpl *t = &tpls[i];
		sb_free(&t->src);
		sb_free(&t->params);
		sb_free(&t->voids);
		sb_free(&t->includes);
		sb_free(&t->shadow);
		sb_free(&t->code);
		free(t->segs);
	}
	free(tpls);
	sb_free(&h);
	sb_free(&includes);
	sb_free(&path);
	return 0;
}
