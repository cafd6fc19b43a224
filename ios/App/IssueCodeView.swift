import CoreImage.CIFilterBuiltins
import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// A team leader issues an enrolment code (`IssueCodeModel`) for a member of the team (a
/// volunteer's or leader's new phone) or for a household (the citizen's phone): the code, its
/// expiry, a QR code of it (CoreImage's QR generator) to scan from the other phone, and a
/// share button. The server decides who may issue what; a refusal shows its code's title
/// (`.forbidden`: outside the team or area) and the core's message.
struct IssueCodeView: View {
    let teamId: TeamId
    let forWhom: IssueFor
    @State private var model: IssueCodeModel
    @State private var role: Role = .volunteer

    init(db: Database, teamId: TeamId, serverUrl: String, forWhom: IssueFor) {
        self.teamId = teamId
        self.forWhom = forWhom
        _model = State(initialValue: IssueCodeModel(db: db, serverUrl: serverUrl))
    }

    var body: some View {
        Form {
            Section("issue.for") {
                switch forWhom {
                case let .member(_, name):
                    Label { Text(verbatim: name) } icon: { Image(systemName: "person").accessibilityHidden(true) }
                    if model.issued == nil {
                        Picker("issue.role", selection: $role) {
                            Text(Role.volunteer.label).tag(Role.volunteer)
                            Text(Role.teamLeader.label).tag(Role.teamLeader)
                        }
                        .pickerStyle(.inline)
                    }
                case let .household(_, head):
                    Label { Text("issue.household_of \(head)") } icon: { Image(systemName: "house").accessibilityHidden(true) }
                }
            }
            if let issued = model.issued, let payload = model.qrPayload {
                IssuedCodeSections(issued: issued, payload: payload)
                Section {
                    Button {
                        model.clear()
                    } label: {
                        Text("issue.done").frame(maxWidth: .infinity, minHeight: 44)
                    }
                } footer: {
                    Text("issue.once")
                }
            } else {
                Section {
                    ErrorBanner(error: model.error)
                    SaveButton(title: "issue.submit", saving: model.busy, enabled: !model.busy) {
                        Task { await issue() }
                    }
                } footer: {
                    Text("issue.explain")
                }
            }
        }
        .navigationTitle("issue.title")
    }

    @MainActor
    private func issue() async {
        switch forWhom {
        case let .member(memberId, name):
            await model.forMember(teamId: teamId, memberId: memberId, holderName: name, role: role)
        case let .household(householdId, head):
            await model.forHousehold(householdId, holderName: head.isEmpty ? nil : head)
        }
    }
}

/// The code issued: in large type, its expiry, the QR code, and sharing.
private struct IssuedCodeSections: View {
    let issued: IssuedCode
    let payload: String

    var body: some View {
        Section("issue.code") {
            Text(verbatim: Self.grouped(issued.code))
                .font(.largeTitle.monospaced().bold())
                .textSelection(.enabled)
                .accessibilityLabel(Text(verbatim: issued.code.map(String.init).joined(separator: " ")))
            LabeledContent("issue.role") { Text(issued.role.label) }
            LabeledContent("issue.expires") {
                Text(issued.expiresAt, format: .dateTime.day().month().hour().minute())
            }
        }
        Section {
            if let image = QRCodeImage.make(payload) {
                Image(uiImage: image)
                    .interpolation(.none)
                    .resizable()
                    .scaledToFit()
                    .frame(maxWidth: 280, maxHeight: 280)
                    .frame(maxWidth: .infinity)
                    .accessibilityLabel(Text("issue.qr.a11y"))
                ShareLink(item: Image(uiImage: image), preview: SharePreview(Text("issue.share.qr"), image: Image(uiImage: image))) {
                    Label("issue.share.qr", systemImage: "square.and.arrow.up").frame(minHeight: 44)
                }
            }
            ShareLink(item: payload) {
                Label("issue.share.link", systemImage: "link").frame(minHeight: 44)
            }
        } header: {
            Text("issue.qr")
        } footer: {
            Text("issue.qr.footer")
        }
    }

    /// `ABCD1234` → `ABCD 1234`, easier to read out.
    static func grouped(_ code: String) -> String {
        stride(from: 0, to: code.count, by: 4).map { i -> String in
            let start = code.index(code.startIndex, offsetBy: i)
            let end = code.index(start, offsetBy: min(4, code.count - i))
            return String(code[start..<end])
        }.joined(separator: " ")
    }
}

/// A QR code drawn by CoreImage (`CIQRCodeGenerator`), scaled without blur.
enum QRCodeImage {
    static func make(_ text: String, scale: CGFloat = 10) -> UIImage? {
        let filter = CIFilter.qrCodeGenerator()
        filter.message = Data(text.utf8)
        filter.correctionLevel = "M"
        guard let output = filter.outputImage?.transformed(by: CGAffineTransform(scaleX: scale, y: scale)),
              let cg = CIContext().createCGImage(output, from: output.extent) else { return nil }
        return UIImage(cgImage: cg)
    }
}
