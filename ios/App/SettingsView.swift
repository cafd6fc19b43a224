import SwiftUI
import TungNhaCore
import TungNhaPresentation

/// Settings (`SettingsModel`): the app's language and text size, kept by the core and applied
/// at once (the catalog's texts and the core's through `AppSession.apply`, the size through
/// Dynamic Type); iOS's own per-app language is in the system Settings, linked here. The
/// privacy notice in full, and the server and role this device is enrolled with.
struct SettingsView: View {
    @State private var model: SettingsModel
    @State private var scale: Double = 1
    @Environment(AppSession.self) private var session
    @Environment(\.openURL) private var openURL

    private var scalePercent: Int { Int((scale * 100).rounded()) }

    /// The text sizes offered (the core accepts 0.85…2.0).
    private static let scaleRange = 0.85...2.0

    init(db: Database) {
        _model = State(initialValue: SettingsModel(db: db))
    }

    var body: some View {
        Form {
            if let screen = model.screen {
                Section {
                    Picker("settings.language", selection: Binding(
                        get: { screen.settings.language },
                        set: { lang in Task { await model.setLanguage(lang); applied() } }
                    )) {
                        Text("settings.language.vi").tag(Language.vi)
                        Text("settings.language.en").tag(Language.en)
                    }
                    .pickerStyle(.inline)
                    Button {
                        if let url = URL(string: UIApplication.openSettingsURLString) { openURL(url) }
                    } label: {
                        Label("settings.language.system", systemImage: "gear").frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                    }
                } header: {
                    Text("settings.language.header")
                } footer: {
                    Text("settings.language.footer")
                }

                Section {
                    Slider(value: $scale, in: Self.scaleRange, step: 0.05) {
                        Text("settings.text_size")
                    } minimumValueLabel: {
                        Image(systemName: "textformat.size.smaller").accessibilityLabel(Text("settings.text_size.smaller"))
                    } maximumValueLabel: {
                        Image(systemName: "textformat.size.larger").accessibilityLabel(Text("settings.text_size.larger"))
                    } onEditingChanged: { editing in
                        if !editing { Task { await model.setTextScale(Float(scale)); applied() } }
                    }
                    .frame(minHeight: 44)
                    .accessibilityValue(Text("settings.text_size.value \(Int(scalePercent))"))
                    Text("settings.text_size.value \(Int(scalePercent))").font(.subheadline)
                    Text("settings.text_size.sample").font(.body)
                    if let problems = model.error?.fieldMessages["text_scale"] {
                        ForEach(problems, id: \.self) { m in
                            Label { Text(m) } icon: { Image(systemName: "exclamationmark.circle.fill").accessibilityHidden(true) }
                                .accessibilityLabel(Text("problem.error \(m)"))
                        }
                    }
                    Button {
                        scale = 1
                        Task { await model.setTextScale(1); applied() }
                    } label: {
                        Text("settings.text_size.reset").frame(maxWidth: .infinity, minHeight: 44, alignment: .leading)
                    }
                } header: {
                    Text("settings.text_size.header")
                } footer: {
                    Text("settings.text_size.footer")
                }

                Section("settings.privacy") {
                    Text(coreText(vi: screen.privacy.textVi, en: screen.privacy.textEn))
                        .textSelection(.enabled)
                }

                Section("settings.device") {
                    if let role = screen.role {
                        LabeledContent("enrol.done.role") { Text(role.label) }
                    }
                    if let commune = screen.communeKey {
                        LabeledContent("enrol.done.area") { Text(verbatim: commune) }
                    }
                    LabeledContent("settings.server") {
                        if let server = screen.serverUrl {
                            Text(verbatim: server).font(.footnote).textSelection(.enabled)
                        } else {
                            Text("settings.server.default \(AppSession.serverUrl)").font(.footnote)
                        }
                    }
                }
                if model.error != nil && model.error?.fieldMessages["text_scale"] == nil {
                    Section { ErrorBanner(error: model.error) }
                }
            } else if model.error != nil {
                ErrorBanner(error: model.error)
            } else {
                ProgressView()
            }
        }
        .navigationTitle("settings.title")
        .task {
            await model.load()
            scale = Double(model.screen?.settings.textScale ?? 1)
        }
    }

    /// What the core kept is what the app shows.
    @MainActor
    private func applied() {
        guard let settings = model.screen?.settings else { return }
        scale = Double(settings.textScale)
        session.apply(settings)
    }
}
