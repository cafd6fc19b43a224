// A fixture for scripts/check_ui_text.py --self-test (Swift): nothing here may be reported.
import SwiftUI

/// Doc comment with "Đã lưu" and "two words".
struct V: View {
    let n: Int
    var body: some View {
        Text("visit.save")                 // a String Catalog key
        Text("households.count \(n)")      // a key with an interpolated count: one word
        Label("home.title", systemImage: "person.crop.circle")
        Text(verbatim: "\(n)")
        let path = #"members[0].phone"#
    }
}
