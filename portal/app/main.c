/* main: options, signals, start-up and clean shutdown. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "base/app.h"
#include "net/http.h"
#include "web/page.h"
#include "base/clock.h"
#include "domain/terminals.h"
#include "store/catalog.h"
#include "base/i18n.h"
#include "domain/terminals.h"
#include "base/sb.h"
#include "net/server.h"
#include "domain/booking.h"
#include "domain/insight.h"
#include "domain/speech.h"
#include "domain/staff.h"
#include "store/store_open.h"
#include "base/text.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
static struct app app;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
	server_wake(&app);
}

/* --smtp HOST:PORT ([IPV6]:PORT) into the mail config; false when it is
   not one. */
static bool parse_relay(const char *s, struct mail_config *m)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return false;
	const char *h = s;
	size_t n = (size_t)(colon - s);
	if (*h == '[') {
		if (n < 3 || h[n - 1] != ']')
			return false;
		h++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(m->host))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || (c == ':' && *s == '[')))
			return false;
	}
	long port;
	if (!text_parse_long(colon + 1, 1, 65535, &port))
		return false;
	memcpy(m->host, h, n);
	m->host[n] = '\0';
	m->port = (int)port;
	return true;
}

/* The relay is on this machine: 127.0.0.0/8, ::1 or "localhost". */
static bool relay_is_loopback(const char *host)
{
	unsigned char a[16];
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, host, a) == 1)
		return IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)a);
	return strcmp(host, "localhost") == 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: wijkwijzer [OPTION]...\n"
	           "Serves the wijkwijzer portal and kiosk over HTTP and WebSocket.\n\n"
	           "  --port N        TCP port (default 8080)\n"
	           "  --listen ADDR   IP address to listen on (default 127.0.0.1)\n"
	           "  --data DIR      folder for the bookings database, created if missing\n"
	           "                  (default: data/ beside build/)\n"
	           "  --content DIR   built content folder (default: build/content)\n"
	           "  --locale DIR    compiled translations (default: build/locale)\n"
	           "  --public-url URL  the address residents and terminals use, as\n"
	           "                  scheme://host[:port]; absolute links (QR codes,\n"
	           "                  calendar files) and Origin checks use it. Needed\n"
	           "                  unless --listen is a loopback address\n"
	           "  --behind-proxy  the client address is the last X-Forwarded-For hop\n"
	           "  --quiet         no access log\n"
	           "  --retention-days N  days personal data is kept after an appointment\n"
	           "                  (default 30)\n"
	           "  --booking-rate N  booking attempts per client address per hour\n"
	           "                  (default 60; 0 = no limit)\n"
	           "  --workers N     reader threads for pages and the API (default: the\n"
	           "                  number of cores)\n"
	           "  --client-connections N  open HTTP connections one client address may\n"
	           "                  hold (default 64; 0 = no limit)\n"
	           "  --client-websockets N   open WebSockets one client address may hold\n"
	           "                  (default 16; 0 = no limit)\n"
	           "  --subscribe-rate N      WebSocket subscribe messages one client address\n"
	           "                  may send per minute (default 120; 0 = no limit)\n"
	           "  --client-bookings N     future appointments without phone or e-mail one\n"
	           "                  client address may hold per calendar week (default 3;\n"
	           "                  0 = no limit)\n"
	           "  --speech-rate N  new pages one client address may have read aloud per\n"
	           "                  hour at home (default 40; 0 = no limit; pages read\n"
	           "                  before cost nothing; a kiosk terminal has 240)\n"
	           "  --smtp HOST:PORT  send residents e-mail (confirmation, reminder, moves,\n"
	           "                  cancellations) through this relay; STARTTLS when it\n"
	           "                  offers it. Needs --mail-from\n"
	           "  --mail-from ADDRESS  the sender of those e-mails\n"
	           "  --smtp-ca FILE  CA certificates (PEM) for the relay's certificate\n"
	           "                  (default: the system's)\n"
	           "  --smtp-tls required|opportunistic  without STARTTLS send nothing, or\n"
	           "                  send in plain text (default: required, opportunistic\n"
	           "                  for a relay on a loopback address)\n"
	           "  --reminder-hours N  hours before an appointment its reminder goes\n"
	           "                  (default 24; 0 = no reminder)\n"

	           "  --audit-days N  days the audit trail of staff actions is kept\n"
	           "                  (default 365)\n"
	           "  --add-staff NAME --role medewerker --location LOC [--location LOC]...\n"
	           "  --add-staff NAME --role beheerder\n"
	           "  --add-staff NAME --role aanbieder --organization SLUG\n"
	           "                  make a personal staff account; the password (at least\n"
	           "                  12 characters) is read from standard input; then exit.\n"
	           "                  An aanbieder edits the sociale kaart entries of its own\n"
	           "                  organisation (SLUG: content/catalog/x_slugs.csv) as\n"
	           "                  drafts a beheerder publishes; it sees no wijkwijzer\n"
	           "  --reset-staff-password NAME  read a new password for the account NAME\n"
	           "                  from standard input, end its sessions and exit\n"
	           "  --enroll-terminal ID  print a one-time link that makes a browser the\n"
	           "                  kiosk terminal ID, and exit\n"
	           "  --insight-example  fill generated example counts (marked as example)\n"
	           "                  for the insight dashboard of the demo, and exit\n"
	           "  --help          show this help and exit\n");
}

/* The folder of the executable, so defaults work from any directory. */
static char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return strdup(".");
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return strdup(buf);
}

static char *join(const char *dir, const char *rest)
{
	struct sb b;
	sb_init(&b, PATH_MAX);
	if (!sb_appendf(&b, "%s/%s", dir, rest)) {
		sb_free(&b);
		return NULL;
	}
	return sb_steal(&b);
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Reads one line (a password) from standard input into line; false
 * (with a message) when there is none. */
static bool read_password(const char *prompt, char *line, size_t n)
{
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "%s (at least %d characters): ", prompt, STAFF_PASSWORD_MIN);
	if (!fgets(line, (int)n, stdin)) {
		fprintf(stderr, "wijkwijzer: no password on standard input\n");
		return false;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return true;
}

/* --add-staff NAME --role ROLE [--location LOC]... [--organization SLUG]:
 * exit code. */
static int add_staff(const char *name, const char *role_word, const char *const *locations,
                     size_t nlocations, const char *organization)
{
	enum staff_role role;
	if (!staff_role_parse(role_word, &role)) {
		fprintf(stderr, "wijkwijzer: --add-staff needs --role medewerker, --role beheerder "
		                "or --role aanbieder\n");
		return 2;
	}
	if (role == STAFF_BEHEERDER && nlocations) {
		fprintf(stderr,
		        "wijkwijzer: a beheerder sees every wijkwijzer: leave out --location\n");
		return 2;
	}
	if (role == STAFF_AANBIEDER && nlocations) {
		fprintf(stderr,
		        "wijkwijzer: an aanbieder has no wijkwijzer: leave out --location\n");
		return 2;
	}
	if (role != STAFF_AANBIEDER && organization) {
		fprintf(stderr, "wijkwijzer: --organization belongs to --role aanbieder\n");
		return 2;
	}
	if (role == STAFF_AANBIEDER && !organization) {
		fprintf(stderr,
		        "wijkwijzer: an aanbieder needs --organization SLUG, the slug of its "
		        "organisation in content/catalog/x_slugs.csv\n");
		return 2;
	}
	if (role == STAFF_AANBIEDER && !staff_organization_exists(&app, organization)) {
		fprintf(stderr,
		        "wijkwijzer: unknown organisation '%s': --organization needs the slug of "
		        "an organisation of the content (content/catalog/x_slugs.csv)\n",
		        organization);
		return 2;
	}
	char line[512];
	if (!read_password("Password", line, sizeof(line)))
		return 1;
	long long id = 0;
	enum staff_result r =
	    staff_add(&app, NULL, name, role, locations, nlocations, organization, line, &id);
	explicit_bzero(line, sizeof(line));
	if (r != STAFF_OK) {
		fprintf(stderr, "wijkwijzer: cannot add %s: %s\n", name, staff_result_text(r));
		return 1;
	}
	fprintf(stderr, "wijkwijzer: staff account %s (%s) made\n", name, role_word);
	return 0;
}

/* --reset-staff-password NAME: exit code. */
static int reset_staff_password(const char *name)
{
	struct staff_user u;
	if (!staff_find_name(&app, name, &u)) {
		fprintf(stderr, "wijkwijzer: no staff account %s\n", name);
		return 1;
	}
	char line[512];
	if (!read_password("New password", line, sizeof(line)))
		return 1;
	enum staff_result r = staff_set_password(&app, NULL, u.id, line, NULL);
	explicit_bzero(line, sizeof(line));
	if (r != STAFF_OK) {
		fprintf(stderr, "wijkwijzer: %s\n", staff_result_text(r));
		return 1;
	}
	fprintf(stderr, "wijkwijzer: new password for %s stored; its sessions ended\n", u.name);
	return 0;
}

/* Prints the one-time enrolment link of a terminal. Returns the exit code. */
static int enrol_print_link(const char *terminal)
{
	struct sb link;
	sb_init(&link, 256);
	char err[256];
	if (!enrol_new_code(&app, terminal, &link, err, sizeof(err))) {
		fprintf(stderr, "wijkwijzer: %s\n", err);
		sb_free(&link);
		return 1;
	}
	/* the link on standard output, alone, for scripts; the rest on stderr */
	printf("%s\n", sb_str(&link));
	fprintf(stderr,
	        "wijkwijzer: open this link once in the browser of terminal %s, within %d "
	        "hours; it then is that terminal (an earlier browser of it no longer is)\n",
	        terminal, ENROL_CODE_SECONDS / 3600);
	sb_free(&link);
	return 0;
}

int main(int argc, char **argv)
{
	enum {
		OPT_PORT = 1,
		OPT_LISTEN,
		OPT_DATA,
		OPT_CONTENT,
		OPT_LOCALE,
		OPT_QUIET,
		OPT_HELP,
		OPT_PUBLIC_URL,
		OPT_RETENTION,
		OPT_STAFF_PASSWORD,
		OPT_ADD_STAFF,
		OPT_ROLE,
		OPT_LOCATION,
		OPT_ORGANIZATION,
		OPT_RESET_STAFF,
		OPT_AUDIT_DAYS,
		OPT_BOOKING_RATE,
		OPT_BEHIND_PROXY,
		OPT_WORKERS,
		OPT_CLIENT_CONNS,
		OPT_CLIENT_WS,
		OPT_SUBSCRIBE_RATE,
		OPT_CLIENT_BOOKINGS,
		OPT_SPEECH_RATE,
		OPT_ENROL,
		OPT_SMTP,
		OPT_MAIL_FROM,
		OPT_SMTP_CA,
		OPT_SMTP_TLS,
		OPT_REMINDER_HOURS,
		OPT_MAIL_RETRY,
		OPT_INSIGHT_EXAMPLE,
	};
	static const struct option opts[] = {
	    {"port", required_argument, NULL, OPT_PORT},
	    {"listen", required_argument, NULL, OPT_LISTEN},
	    {"data", required_argument, NULL, OPT_DATA},
	    {"content", required_argument, NULL, OPT_CONTENT},
	    {"locale", required_argument, NULL, OPT_LOCALE},
	    {"quiet", no_argument, NULL, OPT_QUIET},
	    {"public-url", required_argument, NULL, OPT_PUBLIC_URL},
	    {"retention-days", required_argument, NULL, OPT_RETENTION},
	    {"set-staff-password", required_argument, NULL, OPT_STAFF_PASSWORD},
	    {"add-staff", required_argument, NULL, OPT_ADD_STAFF},
	    {"role", required_argument, NULL, OPT_ROLE},
	    {"location", required_argument, NULL, OPT_LOCATION},
	    {"organization", required_argument, NULL, OPT_ORGANIZATION},
	    {"reset-staff-password", required_argument, NULL, OPT_RESET_STAFF},
	    {"audit-days", required_argument, NULL, OPT_AUDIT_DAYS},
	    {"booking-rate", required_argument, NULL, OPT_BOOKING_RATE},
	    {"behind-proxy", no_argument, NULL, OPT_BEHIND_PROXY},
	    {"workers", required_argument, NULL, OPT_WORKERS},
	    {"client-connections", required_argument, NULL, OPT_CLIENT_CONNS},
	    {"client-websockets", required_argument, NULL, OPT_CLIENT_WS},
	    {"subscribe-rate", required_argument, NULL, OPT_SUBSCRIBE_RATE},
	    {"client-bookings", required_argument, NULL, OPT_CLIENT_BOOKINGS},
	    {"speech-rate", required_argument, NULL, OPT_SPEECH_RATE},
	    {"enroll-terminal", required_argument, NULL, OPT_ENROL},
	    {"smtp", required_argument, NULL, OPT_SMTP},
	    {"mail-from", required_argument, NULL, OPT_MAIL_FROM},
	    {"smtp-ca", required_argument, NULL, OPT_SMTP_CA},
	    {"smtp-tls", required_argument, NULL, OPT_SMTP_TLS},
	    {"reminder-hours", required_argument, NULL, OPT_REMINDER_HOURS},
	    /* not in --help: the first retry's delay, for tests */
	    {"mail-retry-seconds", required_argument, NULL, OPT_MAIL_RETRY},
	    {"insight-example", no_argument, NULL, OPT_INSIGHT_EXAMPLE},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	app.cfg.port = 8080;
	app.cfg.listen = "127.0.0.1";
	app.cfg.retention_days = 30;
	app.cfg.booking_rate = 60;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	app.cfg.workers = cores > 0 ? (int)(cores > 64 ? 64 : cores) : 2;
	app.cfg.max_conns_per_client = 64;
	app.cfg.max_ws_per_client = 16;
	app.cfg.subscribe_rate = 120;
	app.cfg.client_bookings = 3;
	app.cfg.speech_rate = 40;
	app.cfg.audit_days = 365;
	app.cfg.mail.reminder_hours = 24;
	app.cfg.mail.retry_seconds = 60;
	const char *smtp = NULL, *smtp_tls = NULL;
	const char *data = NULL, *content = NULL, *locale = NULL;
	const char *add_name = NULL, *role = NULL, *reset_name = NULL, *organization = NULL;
	const char *locations[STAFF_MAX_LOCATIONS];
	size_t nlocations = 0;
	const char *public_url = NULL, *enrol_terminal = NULL;
	bool address_given = false, insight_example_wanted = false;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		long v;
		switch (o) {
		case OPT_PORT:
			if (!text_parse_long(optarg, 1, 65535, &v)) {
				fprintf(stderr,
				        "wijkwijzer: --port needs a number from 1 to 65535\n");
				return 2;
			}
			app.cfg.port = (int)v;
			address_given = true;
			break;
		case OPT_LISTEN:
			app.cfg.listen = optarg;
			address_given = true;
			break;
		case OPT_DATA:
			data = optarg;
			break;
		case OPT_CONTENT:
			content = optarg;
			break;
		case OPT_LOCALE:
			locale = optarg;
			break;
		case OPT_QUIET:
			app.cfg.quiet = true;
			break;
		case OPT_PUBLIC_URL:
			public_url = optarg;
			break;
		case OPT_RETENTION:
			if (!text_parse_long(optarg, 1, 3650, &v)) {
				fprintf(
				    stderr,
				    "wijkwijzer: --retention-days needs a number from 1 to 3650\n");
				return 2;
			}
			app.cfg.retention_days = (int)v;
			break;
		case OPT_BOOKING_RATE:
			if (!text_parse_long(optarg, 0, 100000, &v)) {
				fprintf(
				    stderr,
				    "wijkwijzer: --booking-rate needs a number (0 = no limit)\n");
				return 2;
			}
			app.cfg.booking_rate = (int)v;
			break;
		case OPT_BEHIND_PROXY:
			app.cfg.behind_proxy = true;
			break;
		case OPT_WORKERS:
			if (!text_parse_long(optarg, 1, 64, &v)) {
				fprintf(stderr,
				        "wijkwijzer: --workers needs a number from 1 to 64\n");
				return 2;
			}
			app.cfg.workers = (int)v;
			break;
		case OPT_CLIENT_CONNS:
		case OPT_CLIENT_WS:
			if (!text_parse_long(optarg, 0, 1000000, &v)) {
				fprintf(stderr, "wijkwijzer: --%s needs a number (0 = no limit)\n",
				        o == OPT_CLIENT_CONNS ? "client-connections"
				                              : "client-websockets");
				return 2;
			}
			if (o == OPT_CLIENT_CONNS)
				app.cfg.max_conns_per_client = (int)v;
			else
				app.cfg.max_ws_per_client = (int)v;
			break;
		case OPT_SUBSCRIBE_RATE:
		case OPT_CLIENT_BOOKINGS:
		case OPT_SPEECH_RATE:
			if (!text_parse_long(optarg, 0, 1000000, &v)) {
				fprintf(stderr, "wijkwijzer: --%s needs a number (0 = no limit)\n",
				        o == OPT_SUBSCRIBE_RATE ? "subscribe-rate"
				        : o == OPT_SPEECH_RATE  ? "speech-rate"
				                                : "client-bookings");
				return 2;
			}
			if (o == OPT_SUBSCRIBE_RATE)
				app.cfg.subscribe_rate = (int)v;
			else if (o == OPT_SPEECH_RATE)
				app.cfg.speech_rate = (int)v;
			else
				app.cfg.client_bookings = (int)v;
			break;
		case OPT_SMTP:
			smtp = optarg;
			break;
		case OPT_MAIL_FROM:
			app.cfg.mail.from = optarg;
			break;
		case OPT_SMTP_CA:
			app.cfg.mail.ca_file = optarg;
			break;
		case OPT_SMTP_TLS:
			if (strcmp(optarg, "required") != 0 &&
			    strcmp(optarg, "opportunistic") != 0) {
				fprintf(stderr,
				        "wijkwijzer: --smtp-tls is required or opportunistic\n");
				return 2;
			}
			smtp_tls = optarg;
			break;
		case OPT_REMINDER_HOURS:
		case OPT_MAIL_RETRY:
			if (!text_parse_long(optarg, o == OPT_REMINDER_HOURS ? 0 : 1,
			                     o == OPT_REMINDER_HOURS ? 720 : 86400, &v)) {
				fprintf(stderr, "wijkwijzer: --%s needs a number %s\n",
				        o == OPT_REMINDER_HOURS ? "reminder-hours"
				                                : "mail-retry-seconds",
				        o == OPT_REMINDER_HOURS ? "from 0 to 720 (0 = no reminder)"
				                                : "from 1 to 86400");
				return 2;
			}
			if (o == OPT_REMINDER_HOURS)
				app.cfg.mail.reminder_hours = (int)v;
			else
				app.cfg.mail.retry_seconds = (int)v;
			break;
		case OPT_STAFF_PASSWORD:
			/* the shared location passwords gave way to personal accounts */
			fprintf(stderr,
			        "wijkwijzer: --set-staff-password is gone: staff have personal "
			        "accounts now: --add-staff NAME --role medewerker --location "
			        "%s (README \"Staff accounts\")\n",
			        optarg);
			return 2;
		case OPT_ADD_STAFF:
			add_name = optarg;
			break;
		case OPT_ROLE:
			role = optarg;
			break;
		case OPT_LOCATION:
			if (nlocations == STAFF_MAX_LOCATIONS) {
				fprintf(stderr, "wijkwijzer: at most %d --location\n",
				        STAFF_MAX_LOCATIONS);
				return 2;
			}
			locations[nlocations++] = optarg;
			break;
		case OPT_ORGANIZATION:
			organization = optarg;
			break;
		case OPT_RESET_STAFF:
			reset_name = optarg;
			break;
		case OPT_AUDIT_DAYS:
			if (!text_parse_long(optarg, 1, 3650, &v)) {
				fprintf(stderr,
				        "wijkwijzer: --audit-days needs a number from 1 to 3650\n");
				return 2;
			}
			app.cfg.audit_days = (int)v;
			break;
		case OPT_ENROL:
			enrol_terminal = optarg;
			break;
		case OPT_INSIGHT_EXAMPLE:
			insight_example_wanted = true;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if ((role || nlocations || organization) && !add_name) {
		fprintf(
		    stderr,
		    "wijkwijzer: --role, --location and --organization belong to --add-staff\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "wijkwijzer: unexpected argument '%s' (see --help)\n",
		        argv[optind]);
		return 2;
	}

	if ((smtp != NULL) != (app.cfg.mail.from != NULL)) {
		fprintf(stderr, "wijkwijzer: --smtp and --mail-from go together: give both or "
		                "neither\n");
		return 2;
	}
	if (smtp && !parse_relay(smtp, &app.cfg.mail)) {
		fprintf(stderr, "wijkwijzer: --smtp needs HOST:PORT, such as 127.0.0.1:25 or "
		                "[::1]:587\n");
		return 2;
	}
	if (app.cfg.mail.from && booking_check_email(app.cfg.mail.from) != BOOKING_FIELD_OK) {
		fprintf(stderr, "wijkwijzer: --mail-from needs an e-mail address\n");
		return 2;
	}
	if (app.cfg.mail.ca_file && access(app.cfg.mail.ca_file, R_OK) != 0) {
		fprintf(stderr, "wijkwijzer: --smtp-ca %s cannot be read\n", app.cfg.mail.ca_file);
		return 2;
	}
	if (app.cfg.mail.ca_file && !smtp) {
		fprintf(stderr, "wijkwijzer: --smtp-ca needs --smtp\n");
		return 2;
	}
	if (smtp_tls && !smtp) {
		fprintf(stderr, "wijkwijzer: --smtp-tls needs --smtp\n");
		return 2;
	}
	/* a man in the middle can strip STARTTLS from the relay's offer: off
	   this machine, nothing goes in plain text unless asked for */
	if (smtp)
		app.cfg.mail.tls_required = smtp_tls ? strcmp(smtp_tls, "required") == 0
		                                     : !relay_is_loopback(app.cfg.mail.host);

	/* every absolute URL comes from here, never from a Host header */
	if (public_url) {
		char why[128];
		if (!origin_parse(public_url, &app.cfg.pub, why, sizeof(why))) {
			fprintf(stderr, "wijkwijzer: --public-url %s\n", why);
			return 2;
		}
	} else if (!origin_from_listen(app.cfg.listen, app.cfg.port, &app.cfg.pub)) {
		fprintf(stderr,
		        "wijkwijzer: --listen %s is reachable from other machines: give the "
		        "address residents use with --public-url https://...\n",
		        app.cfg.listen);
		return 2;
	}

	char *dir = exe_dir();
	if (!dir) {
		fprintf(stderr, "wijkwijzer: out of memory\n");
		return 1;
	}
	app.cfg.data_dir = data ? strdup(data) : join(dir, "../data");
	app.cfg.content_dir = content ? strdup(content) : join(dir, "content");
	app.cfg.locale_dir = locale ? strdup(locale) : join(dir, "locale");
	free(dir);
	int rc = 1;
	if (!app.cfg.data_dir || !app.cfg.content_dir || !app.cfg.locale_dir) {
		fprintf(stderr, "wijkwijzer: out of memory\n");
		goto out;
	}
	if (!is_dir(app.cfg.content_dir)) {
		fprintf(stderr, "wijkwijzer: content folder %s does not exist (run: make)\n",
		        app.cfg.content_dir);
		goto out;
	}

	/* one malloc arena per thread would keep freed memory of every
	   worker apart; two arenas hold the peak (RSS) well down at no
	   measurable cost here, as the threads rarely allocate at once */
	if (mallopt(M_ARENA_MAX, 2) != 1) {
		/* a sanitizer's allocator has no arenas: nothing to limit, and
		   nothing a user should be told about */
	}
	/* files this process makes (the bookings database, its WAL) are the
	   server user's alone */
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL)) {
		fprintf(stderr, "wijkwijzer: cannot install signal handlers: %s\n",
		        strerror(errno));
		goto out;
	}

	/* opening hours and appointments are wall-clock times in Enschede */
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	i18n_init(app.cfg.locale_dir);
	/* error answers of the server are pages of the web layer */
	http_set_error_page(page_error);
	char err[512];
	if (!clock_init_from_env(err, sizeof(err))) {
		fprintf(stderr, "wijkwijzer: %s\n", err);
		goto out;
	}
	app.catalog = catalog_open(app.cfg.content_dir, err, sizeof(err));
	if (!app.catalog) {
		fprintf(stderr, "wijkwijzer: %s\n", err);
		goto out;
	}
	if (!kiosk_load(app.catalog)) {
		fprintf(stderr, "wijkwijzer: cannot read the kiosk terminals of the content\n");
		goto out;
	}
	app.store = store_open(app.cfg.data_dir, err, sizeof(err));
	if (!app.store) {
		fprintf(stderr, "wijkwijzer: %s\n", err);
		goto out;
	}
	if (!store_secret(app.store, "signing", app.secret, sizeof(app.secret))) {
		fprintf(stderr, "wijkwijzer: cannot read or create the signing secret: %s\n",
		        store_errmsg(app.store));
		goto out;
	}
	if (add_name) {
		rc = add_staff(add_name, role, locations, nlocations, organization);
		goto out;
	}
	if (reset_name) {
		rc = reset_staff_password(reset_name);
		goto out;
	}
	if (insight_example_wanted) {
		/* generated counts for the demo, marked as example: the
		   dashboard shows them only while there are no real ones */
		int n = insight_example(&app, clock_now());
		if (n < 0) {
			fprintf(stderr, "wijkwijzer: cannot store the example counts: %s\n",
			        store_errmsg(app.store));
			goto out;
		}
		fprintf(stderr,
		        "wijkwijzer: %d cells of example counts (marked as example) stored\n", n);
		rc = 0;
		goto out;
	}
	int legacy = staff_legacy_passwords(&app);
	if (legacy > 0)
		fprintf(
		    stderr,
		    "wijkwijzer: the shared staff passwords of %d wijkwijzer(s) from an earlier "
		    "version no longer log in: make personal accounts with --add-staff "
		    "(README \"Staff accounts\")\n",
		    legacy);
	if (enrol_terminal) {
		/* the link names the address the server recorded, unless told
		   one with --public-url, --port or --listen */
		struct sb url;
		sb_init(&url, 300);
		char why[128];
		if (!public_url && !address_given &&
		    store_setting_get(app.store, "public_url", &url) &&
		    !origin_parse(sb_str(&url), &app.cfg.pub, why, sizeof(why)))
			fprintf(stderr, "wijkwijzer: the recorded public address %s %s\n",
			        sb_str(&url), why);
		sb_free(&url);
		rc = enrol_print_link(enrol_terminal);
		goto out;
	}
	if (!store_setting_set(app.store, "public_url", app.cfg.pub.base)) {
		fprintf(stderr, "wijkwijzer: cannot record the public address: %s\n",
		        store_errmsg(app.store));
		goto out;
	}
	if (!enrol_load(app.store)) {
		fprintf(stderr, "wijkwijzer: cannot read the enrolled kiosk terminals: %s\n",
		        store_errmsg(app.store));
		goto out;
	}
	if (!server_start(&app, err, sizeof(err))) {
		fprintf(stderr, "wijkwijzer: %s\n", err);
		goto out;
	}
	app.started = clock_now();
	fprintf(stderr, "wijkwijzer: serving http://%s:%d/ as %s (data %s)\n", app.cfg.listen,
	        app.cfg.port, app.cfg.pub.base, app.cfg.data_dir);
	if (app.cfg.pub.derived)
		fprintf(stderr,
		        "wijkwijzer: no --public-url: QR codes and calendar links use %s, "
		        "which only this machine can open\n",
		        app.cfg.pub.base);
	server_run(&app, &stop_requested, &reload_requested);
	fprintf(stderr, "wijkwijzer: shutting down\n");
	rc = 0;
out:
	server_stop(&app);
	store_close(app.store);
	app.store = NULL;
	catalog_close(app.catalog);
	app.catalog = NULL;
	speech_shutdown();
	kiosk_unload();
	enrol_unload();
	i18n_shutdown();
	free(app.cfg.data_dir);
	free(app.cfg.content_dir);
	free(app.cfg.locale_dir);
	return rc;
}
