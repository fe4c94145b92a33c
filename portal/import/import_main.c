/* wijkwijzer-import: builds the content database from the content folder,
 * or (--pot) the translation template of the content texts, or writes a
 * content database back out: as the content folder (--export-csv) or as
 * HSDS 3.0 JSON (--export-hsds). */
#include <stdio.h>
#include <string.h>

#include "store/content_import.h"
#include "store/hsds.h"
#include "store/postcodes.h"

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
		if (!content_write_pot(argv[2], argv[3], err, sizeof(err))) {
			fprintf(stderr, "wijkwijzer-import: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--locale") == 0)) {
		fprintf(stderr, "usage: wijkwijzer-import CONTENT_DIR OUT.db [--locale DIR]\n"
		                "       wijkwijzer-import --pot CONTENT_DIR OUT.pot\n"
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
