package vn.tungnha.presentation

import vn.tungnha.core.ErrorAction
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.Problem
import vn.tungnha.core.Severity
import vn.tungnha.core.TungNhaException

/**
 * What a screen shows when a call fails: the core's message (Vietnamese, and English for
 * logs), the typed code (for logs and for apps that map codes to their own strings), the
 * messages per input field, and what the person can do about it, as the core decided it.
 * Screens branch on [action], never on text.
 */
data class UiError(
    val code: ErrorCode,
    val action: ErrorAction,
    val message: String,
    val messageEn: String,
    val fieldMessages: Map<String, List<String>> = emptyMap(),
)

/** Converts the bindings' one error type into what screens show. */
fun TungNhaException.toUiError(): UiError = UiError(
    code = code(),
    action = action(),
    message = messageVi(),
    messageEn = messageEn(),
    fieldMessages = if (this is TungNhaException.Validation) fieldMessages(problems) else emptyMap(),
)

/** An error the app itself meets (no call failed), with the core's message for [code]. */
fun uiError(code: ErrorCode): UiError =
    UiError(code, vn.tungnha.core.errorAction(code), vn.tungnha.core.errorMessageVi(code), vn.tungnha.core.errorMessageEn(code))

/** Blocking problems grouped by field path (`phone`, `attendees[0].skills_guided`...). */
fun fieldMessages(problems: List<Problem>): Map<String, List<String>> =
    problems.filter { it.severity == Severity.ERROR }.groupBy({ it.field }, { it.messageVi })

/** Warnings to show after a save (they never block it). */
fun warningMessages(problems: List<Problem>): List<String> =
    problems.filter { it.severity == Severity.WARNING }.map { it.messageVi }
