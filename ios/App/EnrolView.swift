import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// First start: type the enrolment code a team leader or official gave, or scan its QR code
/// (which names its server); the core reads either (`EnrolModel`). Then the role and the
/// area the server gave this device, before going to its home.
struct EnrolView: View {
    @Environment(AppSession.self) private var session
    @State private var model: EnrolModel
    @State private var code = ""
    @State private var deviceName = UIDevice.current.name
    @State private var scanning = false

    init(db: Database) {
        _model = State(initialValue: EnrolModel(db: db, serverUrl: AppSession.serverUrl))
    }

    var body: some View {
        Form {
            if let summary = model.summary, model.enrolled {
                EnrolResultSections(summary: summary) { session.continueAfterEnrolment() }
            } else {
                entry
            }
        }
        .navigationTitle("enrol.title")
        .sheet(isPresented: $scanning) {
            CodeScannerSheet { scanned in
                code = scanned
                scanning = false
                Task { await model.read(scanned) }
            }
        }
        .onChange(of: model.enrolment) { _, e in
            if let e { session.didEnrol(e) }
        }
    }

    private var trimmed: String { code.trimmingCharacters(in: .whitespacesAndNewlines) }

    @ViewBuilder private var entry: some View {
        Section {
            TextField("enrol.code", text: $code)
                .textInputAutocapitalization(.characters)
                .autocorrectionDisabled()
                .textContentType(.oneTimeCode)
                .font(.title3.monospaced())
                .frame(minHeight: 44)
            if let scanned = model.scanned {
                // What the camera read: the code and, from a QR code, its server.
                LabeledContent("enrol.scanned.code") { Text(verbatim: scanned.code).monospaced() }
                if let server = scanned.serverUrl {
                    LabeledContent("enrol.scanned.server") { Text(verbatim: server) }
                }
            }
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
            ErrorBanner(error: model.error)
            SaveButton(title: "enrol.submit", saving: model.busy, enabled: !trimmed.isEmpty) {
                Task { await model.enrol(trimmed, deviceName: deviceName) }
            }
        }
    }
}

/// The role and area this device received: the unit (commune, province), the team and
/// member, or the household — the names this device already knows.
struct EnrolResultSections: View {
    let summary: EnrolmentSummary
    let proceed: () -> Void

    var body: some View {
        Section("enrol.done.header") {
            LabeledContent("enrol.done.role") {
                Label { Text(summary.role.label) } icon: { Image(systemName: summary.role.symbol).accessibilityHidden(true) }
            }
            if let commune = summary.communeName {
                LabeledContent("enrol.done.commune") { Text(verbatim: commune) }
            } else if let unit = summary.unitKey {
                LabeledContent("enrol.done.area") { Text(verbatim: unit) }
            }
            if let province = summary.provinceName {
                LabeledContent("enrol.done.province") { Text(verbatim: province) }
            }
            if let team = summary.teamName {
                LabeledContent("enrol.done.team") { Text(verbatim: team) }
            }
            if let member = summary.memberName {
                LabeledContent("enrol.done.member") { Text(verbatim: member) }
            }
            if summary.householdId != nil {
                LabeledContent("enrol.done.household") {
                    if let address = summary.householdAddress {
                        Text(verbatim: [address, summary.villageName ?? ""].filter { !$0.isEmpty }.joined(separator: ", "))
                    } else {
                        Text("enrol.done.after_sync")
                    }
                }
            }
            if let server = summary.serverUrl {
                LabeledContent("enrol.done.server") { Text(verbatim: server).font(.footnote) }
            }
        }
        Section {
            Button(action: proceed) {
                Text("enrol.done.continue").bold().frame(maxWidth: .infinity, minHeight: 44)
            }
            .buttonStyle(.borderedProminent)
        }
    }
}
