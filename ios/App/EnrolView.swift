import SwiftUI
import TungNhaPresentation

struct EnrolView: View {
    @ObservedObject var session: Session
    @State private var code = ""
    @State private var deviceName = UIDevice.current.name

    var body: some View {
        Form {
            Section(header: Text("Đăng ký thiết bị"), footer: Text("Nhập mã đăng ký do tổ trưởng hoặc cán bộ xã cấp (8 ký tự).")) {
                TextField("Mã đăng ký", text: $code)
                    .textInputAutocapitalization(.characters)
                    .autocorrectionDisabled()
                TextField("Tên thiết bị", text: $deviceName)
            }
            if let error = session.error {
                Text(error.message).foregroundColor(.red)
            }
            Button(session.busy ? "Đang đăng ký…" : "Đăng ký") {
                Task { await session.enrol(code: code, deviceName: deviceName) }
            }
            .disabled(session.busy || code.isEmpty)
        }
    }
}
