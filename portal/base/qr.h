/* qr: QR codes as SVG (libqrencode). One path of horizontal runs in
 * module units, a quiet zone of four modules, crisp edges. */
#ifndef WW_QR_H
#define WW_QR_H

#include <stdbool.h>

#include "base/sb.h"

/* text should be ASCII (a URL). title becomes the SVG's accessible name. */
bool qr_svg(struct sb *out, const char *text, const char *title);

#endif
