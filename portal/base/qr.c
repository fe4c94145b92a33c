#include "base/qr.h"

#include <qrencode.h>

#include "base/html.h"

bool qr_svg(struct sb *out, const char *text, const char *title)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return false;
	const int quiet = 4, w = q->width, size = w + 2 * quiet;
	html_fmt(out,
	         "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	         "shape-rendering=\"crispEdges\" "
	         "role=\"img\" aria-label=\"%s\"><title>%s</title><rect width=\"%d\" height=\"%d\" "
	         "fill=\"#fff\"/>"
	         "<path fill=\"#000\" d=\"",
	         size, size, title, title, size, size);
	for (int y = 0; y < w; y++) {
		int x = 0;
		while (x < w) {
			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int start = x;
			while (x < w && (q->data[y * w + x] & 1))
				x++;
			sb_appendf(out, "M%d %dh%dv1h-%dz", start + quiet, y + quiet, x - start,
			           x - start);
		}
	}
	bool ok = sb_puts(out, "\"/></svg>\n");
	QRcode_free(q);
	return ok;
}
