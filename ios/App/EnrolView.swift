import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// First start: type the enrolment code a team leader or official gave, or scan its QR; then
/// the role and area the server gave this device, before going to its home.
struct EnrolView: View {
    @Environment(AppSession.self) private var session
    @State private var code = ""
    @State private var deviceName = UIDevice.current.name
    @State private var scanning = false

    var body: some View {
        Form {
            if let enrolment = session.enrolment, !session.enrolmentSeen {
                enrolled(enrolment)
            } else {
                entry
            }
        }
        .navigationTitle("enrol.title")
        .sheet(isPresented: $scanning) {
            CodeScannerSheet { scanned in
                code = scanned
                scanning = false
            }
        }
    }

    @ViewBuilder private var entry: some View {
        Section {
            TextField("enrol.code", text: $code)
                .textInputAutocapitalization(.characters)
                .autocorrectionDisabled()
                .textContentType(.oneTimeCode)
                .font(.title3.monospaced())
                .frame(minHeight: 44)
            Button {
                scanning = true
            } label: {
                Label("enrol.scan", systemImage: "qrcode.viewfinder")
                    .frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
            }
            .disabled(!CodeScannerSheet.canScan)
        } header: {
            Text("enrol.code.header")
        } footer: {
            CodeScannerSheet.canScan ? Text("enrol.code.footer") : Text("enrol.scan.unavailable")
        }
        Section {
            TextField("enrol.device_name", text: $deviceName)
                .frame(minHeight: 44)
        } footer: {
            Text("enrol.device_name.footer")
        }
        Section {
            ErrorBanner(error: session.error)
            SaveButton(title: "enrol.submit", saving: session.busy, enabled: !code.trimmingCharacters(in: .whitespaces).isEmpty) {
                Task { await session.enrol(code: code.trimmingCharacters(in: .whitespacesAndNewlines), deviceName: deviceName) }
            }
        }
    }

    @ViewBuilder private func enrolled(_ e: Enrolment) -> some View {
        Section("enrol.done.header") {
            LabeledContent("enrol.done.role") { Text(e.role.label) }
            if let commune = e.communeKey {
                LabeledContent("enrol.done.area") { Text(verbatim: commune) }
            }
            if e.householdId != nil {
                Label("enrol.done.household", systemImage: "house.fill")
            }
        }
        Section {
            Button {
                session.continueAfterEnrolment()
            } label: {
                Text("enrol.done.continue").bold().frame(maxWidth: .infinity, minHeight: 44)
            }
            .buttonStyle(.borderedProminent)
        }
    }
}
