import Foundation
import TungNhaCore

/// How the form models follow a core form object (mirrors android/presentation `FormRefresh`):
/// an edit changes the form's draft at once (a field assignment behind the form's lock, so
/// edits keep their order), then what the core says about the draft is read off the main
/// actor; when edits come quickly, only the newest edit's answer is published.
@MainActor
final class FormRefresh<T: Sendable> {
    private var generation = 0
    private let publish: @MainActor (Result<T, UiError>) -> Void

    /// `publish` receives each answer that no newer edit superseded (capture the model weakly).
    init(publish: @escaping @MainActor (Result<T, UiError>) -> Void) {
        self.publish = publish
    }

    /// Apply `change` now (a refused id becomes the published error), then `refresh(read)`.
    func edit(_ change: () throws -> Void, then read: @escaping @Sendable () throws -> T) async {
        do {
            try change()
        } catch let e as TungNhaError {
            publish(.failure(e.uiError))
            return
        } catch {
            publish(.failure(.unexpected))
            return
        }
        await refresh(read)
    }

    /// Read the form off the main actor; publish it unless a newer edit came meanwhile.
    func refresh(_ read: @escaping @Sendable () throws -> T) async {
        generation += 1
        let n = generation
        let result = await call(read)
        if n == generation { publish(result) }
    }
}

/// Every problem of a form (errors and warnings) by the field it belongs to, as the core names it.
public func problemsByField(_ problems: [Problem]) -> [String: [Problem]] {
    Dictionary(grouping: problems, by: \.field)
}
