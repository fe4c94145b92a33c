/* icons: the SVG path data of the icons "check", "pin", "calendar",
 * "heart", "phone", "clock" (viewBox 0 0 24 24, stroked). */
#ifndef WW_ICONS_H
#define WW_ICONS_H

/* The path of the icon, NULL for an unknown name. */
const char *icon_path(const char *name);

#endif
