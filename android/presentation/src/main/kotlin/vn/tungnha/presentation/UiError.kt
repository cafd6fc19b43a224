package vn.tungnha.presentation

import vn.tungnha.core.Problem
import vn.tungnha.core.Severity
import vn.tungnha.core.TungNhaException

/**
 * What a screen shows when a call fails: the Vietnamese message, the stable code (for
 * logs and for apps that map codes to their own strings), messages per input field, and
 * what the person can do about it.
 */
data class UiError(
    val code: String,
    val message: String,
    val fieldMessages: Map<String, List<String>> = emptyMap(),
    val action: Action = Action.NONE,
) {
    enum class Action {
        /** Nothing to do but read the message (or fix the fields shown). */
        NONE,
        /** Try again later: nothing is lost, the work waits on the device. */
        RETRY_LATER,
        /** Enter an enrolment code (again). */
        ENROL,
        /** Install the new version of the app. */
        UPDATE_APP,
    }
}

/** Converts the bindings' one error type into what screens show. */
fun TungNhaException.toUiError(): UiError = when (this) {
    is TungNhaException.Validation -> UiError(code, messageVi, fieldMessages(problems))
    is TungNhaException.NotFound -> UiError(code, messageVi)
    is TungNhaException.NotEnrolled -> UiError(code, messageVi, action = UiError.Action.ENROL)
    is TungNhaException.Network -> UiError(code, messageVi, action = UiError.Action.RETRY_LATER)
    is TungNhaException.ServerRefused -> UiError(
        code,
        messageVi,
        action = when (code) {
            "update_required" -> UiError.Action.UPDATE_APP
            "unauthorized" -> UiError.Action.ENROL
            "unavailable", "internal" -> UiError.Action.RETRY_LATER
            else -> UiError.Action.NONE
        },
    )
    is TungNhaException.Cancelled -> UiError(code, messageVi)
    is TungNhaException.Storage -> UiError(code, messageVi, action = if (code == "schema_too_new") UiError.Action.UPDATE_APP else UiError.Action.NONE)
}

/** Blocking problems grouped by field path (`phone`, `attendees[0].skills_guided`...). */
fun fieldMessages(problems: List<Problem>): Map<String, List<String>> =
    problems.filter { it.severity == Severity.ERROR }.groupBy({ it.field }, { it.messageVi })

/** Warnings to show after a save (they never block it). */
fun warningMessages(problems: List<Problem>): List<String> =
    problems.filter { it.severity == Severity.WARNING }.map { it.messageVi }
