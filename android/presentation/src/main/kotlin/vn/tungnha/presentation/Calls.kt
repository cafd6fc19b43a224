package vn.tungnha.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.withContext
import vn.tungnha.core.TungNhaException

/** The result of a call into the core, as screens consume it. */
sealed interface Outcome<out T> {
    data class Ok<T>(val value: T) : Outcome<T>
    data class Failed(val error: UiError) : Outcome<Nothing>
}

/**
 * Run a (synchronous) core call on [io], never on the caller's thread, turning the
 * bindings' error into a [UiError]. Other exceptions are bugs and propagate.
 */
suspend fun <T> call(io: CoroutineDispatcher, block: () -> T): Outcome<T> = withContext(io) {
    try {
        Outcome.Ok(block())
    } catch (e: TungNhaException) {
        Outcome.Failed(e.toUiError())
    }
}
