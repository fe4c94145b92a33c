/* icons: the drawings of the inline SVG icons; the markup around them is
 * the template templates/icon.html (included as icon(name, size)). */
#include "web/icons.h"

#include <string.h>

struct icon {
	const char *name;
	const char *path;
};

/* 24x24 outline icons, drawn for this project. */
static const struct icon icons[] = {
    {"check", "M4 12.5l5 5L20 6.5"},
    {"pin", "M12 21s-7-6.2-7-11.5A7 7 0 0 1 19 9.5C19 14.8 12 21 12 21zM12 12.5a3 3 0 1 0 0-6 3 3 "
            "0 0 0 0 6z"},
    {"calendar", "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5M8 14h3v3H8z"},
    {"heart",
     "M12 20s-7.5-4.6-7.5-10.2A4.3 4.3 0 0 1 12 7.4a4.3 4.3 0 0 1 7.5 2.4C19.5 15.4 12 20 12 20z"},
    {"phone", "M6 3h4l1.5 5-2.5 1.5a11 11 0 0 0 5.5 5.5l1.5-2.5 5 1.5v4a2 2 0 0 1-2 2A17 17 0 0 1 "
              "4 5a2 2 0 0 1 2-2z"},
    {"clock", "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2"},
};

const char *icon_path(const char *name)
{
	for (size_t i = 0; i < sizeof(icons) / sizeof(icons[0]); i++)
		if (strcmp(icons[i].name, name) == 0)
			return icons[i].path;
	return NULL;
}
