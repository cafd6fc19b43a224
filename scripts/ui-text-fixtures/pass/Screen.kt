// A fixture for scripts/check_ui_text.py --self-test: nothing here may be reported.
package fixture

/** KDoc with "quoted words" and Vietnamese: "Đăng ký" is a comment, not a literal. */
fun screen(count: Int, name: String, id: String) {
    /* A block comment with "Tiếng Việt" /* nested "still comment" */ */
    Text(stringResource(R.string.visit_save))
    Log.d("TungNha", "$count")          // a log tag and a template
    nav.navigate("visit/$id")            // a route
    val key = "household_draft"          // a key
    val path = "members[$count].birth_year"
    val fmt = "%1\$s, %2\$s"               // formats only
    val k = "${name}/${id}"
    val c = '"'
    val after = "ok"                     // the char literal above does not open a string
    val r = Regex("""members\[\d+]\.(full_name|relation)""")
    val sql = "SELECT id FROM visit" // ui-text-ok: a query, not shown to anyone
    val s = "%d%%"
    val q = "\"quoted\""
}
