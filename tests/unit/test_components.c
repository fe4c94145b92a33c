/* components: the partial templates of portal/web/templates/c_*.html
 * write the markup the pages wrote with base/html.h (the strings here
 * are that markup, from the booking, self-check and manage pages, which
 * do not use the components yet), and escape every value. */
#include "base/i18n.h"
#include "web/components.h"
#include "web/templates.h"
#include "unit.h"

#define RENDER(call, want)                                                                         \
	do {                                                                                       \
		sb_reset(&o);                                                                      \
		CHECK(call);                                                                       \
		CHECK_STR(sb_str(&o), want);                                                       \
	} while (0)

void test_components(void)
{
	i18n_use(i18n_find("nl"));
	struct sb o;
	sb_init(&o, 0);

	/* button: link (its class is "button" and more) or submit */
	RENDER(tpl_c_button(&o, "/nl/afspraak", "secondary", "Maak een afspraak"),
	       "<a class=\"button secondary\" href=\"/nl/afspraak\">Maak een afspraak</a>");
	RENDER(tpl_c_button(&o, "/nl/", NULL, "Naar de startpagina"),
	       "<a class=\"button\" href=\"/nl/\">Naar de startpagina</a>");
	RENDER(tpl_c_button(&o, NULL, NULL, "Zoeken"), "<button type=\"submit\">Zoeken</button>");
	RENDER(tpl_c_button(&o, NULL, "big", "Bevestig"),
	       "<button type=\"submit\" class=\"big\">Bevestig</button>");
	RENDER(tpl_c_button(&o, "javascript:alert(1)", "x\" onclick=\"y", "<b>"),
	       "<a class=\"button x&quot; onclick=&quot;y\" href=\"about:invalid\">&lt;b&gt;</a>");

	/* step indicator: pages_booking.c steps(o, 2) */
	const char *names[] = {"Plek", "Onderwerp", "Dag", "Tijd", "Gegevens", "Controleren"};
	RENDER(tpl_c_steps(&o, names, 6, 2),
	       "<ol class=\"steps-bar\" aria-label=\"Stappen\">\n<li class=\"done\">Plek</li><li "
	       "aria-current=\"step\" class=\"current\">Onderwerp</li><li>Dag</li><li>Tijd</li>"
	       "<li>Gegevens</li><li>Controleren</li></ol>\n<p class=\"step-count\">Stap 2 van "
	       "6</p>\n");

	/* error summary: the booking form's list, the search page's one message */
	const struct c_link errors[] = {{"#f-naam", "Vul uw naam in."},
	                                {"#f-telefoon", "<script>"}};
	RENDER(tpl_c_error_summary(&o, "Er is iets niet goed ingevuld", errors, 2, true),
	       "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>Er is iets niet "
	       "goed ingevuld</h2><ul>\n<li><a href=\"#f-naam\">Vul uw naam in.</a></li>\n<li><a "
	       "href=\"#f-telefoon\">&lt;script&gt;</a></li>\n</ul></div>\n");
	RENDER(tpl_c_error_summary(&o, "Er is iets niet goed gegaan", errors, 1, false),
	       "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>Er is iets niet "
	       "goed gegaan</h2><p><a href=\"#f-naam\">Vul uw naam in.</a></p></div>\n");

	/* form field: pages_booking.c field_text() with a hint and an error */
	RENDER(tpl_c_field(&o, &(struct c_field){.id = "f-telefoon",
	                                         .name = "telefoon",
	                                         .type = "tel",
	                                         .label = "Telefoon",
	                                         .hint = "Voor een sms",
	                                         .error = "Dit nummer klopt niet",
	                                         .value = "06\"1",
	                                         .maxlength = 20,
	                                         .autocomplete = "tel",
	                                         .inputmode = "tel",
	                                         .cls = "ltr"}),
	       "<div class=\"field has-error\"><label for=\"f-telefoon\">Telefoon</label>\n<p "
	       "class=\"hint\" id=\"f-telefoon-hint\">Voor een sms</p>\n<p class=\"error-message\" "
	       "id=\"f-telefoon-error\">Dit nummer klopt niet</p>\n<input type=\"tel\" "
	       "id=\"f-telefoon\" name=\"telefoon\" value=\"06&quot;1\" maxlength=\"20\" "
	       "autocomplete=\"tel\" inputmode=\"tel\" class=\"ltr\" "
	       "aria-describedby=\"f-telefoon-hint f-telefoon-error\" "
	       "aria-invalid=\"true\"></div>\n");
	/* only an error */
	struct c_field name = {.id = "f-naam", .name = "naam", .type = "text", .label = "Naam"};
	name.error = "Vul uw naam in.";
	RENDER(tpl_c_field(&o, &name),
	       "<div class=\"field has-error\"><label for=\"f-naam\">Naam</label>\n<p "
	       "class=\"error-message\" id=\"f-naam-error\">Vul uw naam in.</p>\n<input "
	       "type=\"text\" id=\"f-naam\" name=\"naam\" value=\"\" "
	       "aria-describedby=\"f-naam-error\" aria-invalid=\"true\"></div>\n");
	const struct c_option options[] = {{"a&b", "A & B", true}};
	struct c_field select = {.id = "f-x", .name = "x", .label = "X", .empty_option = "Alle"};
	select.options = options;
	select.noptions = 1;
	RENDER(tpl_c_field(&o, &select),
	       "<div class=\"field\"><label for=\"f-x\">X</label>\n<select id=\"f-x\" "
	       "name=\"x\">\n<option value=\"\">Alle</option>\n<option value=\"a&amp;b\" "
	       "selected>A &amp; B</option>\n</select></div>\n");

	/* choice list: pages_booking.c need_box() in a fieldset */
	const struct c_choice needs[] = {{"tolk", "Een tolk", true},
	                                 {"rolstoel", "Rolstoel", false}};
	struct c_choices boxes = {
	    .legend = "Wat heeft u nodig?", .type = "checkbox", .name = "nodig"};
	boxes.id_prefix = "n-";
	boxes.items = needs;
	boxes.n = 2;
	RENDER(tpl_c_choices(&o, &boxes),
	       "<fieldset><legend>Wat heeft u nodig?</legend>\n<div class=\"check\"><input "
	       "type=\"checkbox\" id=\"n-tolk\" name=\"nodig\" value=\"tolk\" checked><label "
	       "for=\"n-tolk\">Een tolk</label></div>\n<div class=\"check\"><input "
	       "type=\"checkbox\" id=\"n-rolstoel\" name=\"nodig\" value=\"rolstoel\"><label "
	       "for=\"n-rolstoel\">Rolstoel</label></div>\n</fieldset>\n");

	/* notice: the plain one, with a role (pages_manage.c), the warning */
	RENDER(tpl_c_notice(&o, &(struct c_notice){.text = "Er is geen tijd vrij."}),
	       "<p class=\"notice\">Er is geen tijd vrij.</p>\n");
	RENDER(tpl_c_notice(&o, &(struct c_notice){.text = "Verzet.", .role = "status"}),
	       "<p class=\"notice\" role=\"status\">Verzet.</p>\n");
	RENDER(tpl_c_notice(&o, &(struct c_notice){.text = "<i>", .warning = true, .role = "note"}),
	       "<div class=\"notice warning\" role=\"note\"><p>&lt;i&gt;</p></div>\n");

	/* card: the kiosk's compact one without an action */
	RENDER(tpl_c_card(&o, &(struct c_card){.level = 2,
	                                       .compact = true,
	                                       .lang = "nl",
	                                       .path = "/voorzieningen?postcode=",
	                                       .query = "7511 AB&",
	                                       .title = "Hulp",
	                                       .text = "Dichtbij"}),
	       "<li class=\"path-card\"><h2><a href=\"/nl/voorzieningen?postcode=7511%20AB%26\">"
	       "Hulp</a></h2><p>Dichtbij</p></li>\n");

	/* content text: untranslated content is marked Dutch */
	RENDER(tpl_c_content(&o, "tr", "Koffie & <taart>"),
	       "<span lang=\"nl\">Koffie &amp; &lt;taart&gt;</span>");
	RENDER(tpl_c_content(&o, "nl", "Koffie"), "Koffie");
	sb_free(&o);
}
