// A fixture for scripts/check_ui_text.py --self-test (Swift).
import SwiftUI

struct V: View {
    let n: Int
    var body: some View {
        Text("Đã lưu") // expect: ui-text
        Text("Record a visit") // expect: ui-text
        Text("\(n) people present") // expect: ui-text
        Text(#"Raw "quoted" words"#) // expect: ui-text
        Text(""" // expect: ui-text
            Hello there
            """)
    }
}
