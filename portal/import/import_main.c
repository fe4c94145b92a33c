/* wijkwijzer-import: builds the content database from the content folder,
 * or (--pot) the translation template of the content texts, or writes a
 * content database back out: as the content folder (--export-csv) or as
 * HSDS 3.0 JSON (--export-hsds). */
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/content_import.h"
#include "store/hsds.h"
#include "store/postcodes.h"

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(int argc, char **argv)
{
	char err[1024];
	if (argc == 4 && strcmp(argv[1], "--postcodes") == 0) {
		if (!postcodes_import(argv[2], argv[3], err, sizeof(err))) {
			fprintf(stderr, "wijkwijzer-import: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "--export-csv") == 0) {
		if (!content_export_csv(argv[2], argv[3], err, sizeof(err))) {
			fprintf(stderr, "wijkwijzer-import: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "--export-hsds") == 0) {
		if (!hsds_export(argv[2], argv[3], err, sizeof(err))) {
			fprintf(stderr, "wijkwijzer-import: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "--pot") == 0) {
		/* a content database (edited in the browser): its texts, through
		   the content folder it writes out */
		size_t n = strlen(argv[2]);
		char tmp[] = "/tmp/wijkwijzer-pot-XXXXXX";
		bool from_db = n > 3 && strcmp(argv[2] + n - 3, ".db") == 0;
		if (from_db && !mkdtemp(tmp)) {
			fprintf(stderr, "wijkwijzer-import: %s: %s\n", tmp, strerror(errno));
			return 1;
		}
		if (from_db && !content_export_csv(argv[2], tmp, err, sizeof(err))) {
			fprintf(stderr, "wijkwijzer-import: %s\n", err);
			(void)nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
			return 1;
		}
		bool ok = content_write_pot(from_db ? tmp : argv[2], argv[3], err, sizeof(err));
		if (from_db && nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			fprintf(stderr, "wijkwijzer-import: cannot remove %s\n", tmp);
		if (!ok) {
			fprintf(stderr, "wijkwijzer-import: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--locale") == 0)) {
		fprintf(stderr, "usage: wijkwijzer-import CONTENT_DIR OUT.db [--locale DIR]\n"
		                "       wijkwijzer-import --pot CONTENT_DIR|CONTENT.db OUT.pot\n"
		                "       wijkwijzer-import --export-csv CONTENT.db OUT_DIR\n"
		                "       wijkwijzer-import --export-hsds CONTENT.db OUT_DIR\n");
		return 2;
	}
	if (!content_import(argv[1], argv[2], argc == 5 ? argv[4] : NULL, err, sizeof(err))) {
		fprintf(stderr, "wijkwijzer-import: %s (the previous content is kept)\n", err);
		return 1;
	}
	return 0;
}
