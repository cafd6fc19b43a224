// A fixture for scripts/check_ui_text.py --self-test: every line marked `expect: ui-text` must be reported, no other.
package fixture

fun screen(count: Int, name: String) {
    Text("Đăng ký thiết bị") // expect: ui-text
    Text("Save the visit") // expect: ui-text
    Text("Còn $count thay đổi") // expect: ui-text
    Text("${name} households left") // expect: ui-text
    val label = if (count > 0) "Đã đến" else "x" // expect: ui-text
    Text("Nested ${if (count > 1) "two words" else "ok"} end") // expect: ui-text
    Text("""Multi line // expect: ui-text
        text""")
    Text("Lưu // ui-text-ok: inside a string is no escape") // expect: ui-text
    Text("Huỷ") /* ui-text-ok: */ // expect: ui-text
    // An escape needs `//` and a reason: the one above has neither.
}
