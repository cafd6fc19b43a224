package vn.tungnha.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import vn.tungnha.core.Problem
import vn.tungnha.core.TungNhaException
import java.util.concurrent.atomic.AtomicLong

/**
 * How the form view-models follow a core form object: an edit changes the form's draft at
 * once, on the caller's thread (a field assignment behind the form's lock, so edits keep
 * their order), then what the core says about the draft is read on [io]; when edits come
 * quickly, only the newest edit's answer is published.
 */
internal class FormRefresh<T>(
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val read: () -> T,
    private val publish: (Outcome<T>) -> Unit,
) {
    private val generation = AtomicLong()

    /** Apply [change] now (a refused id becomes the published error), then refresh. */
    fun edit(change: () -> Unit): Job {
        try {
            change()
        } catch (e: TungNhaException) {
            publish(Outcome.Failed(e.toUiError()))
            return Job().apply { complete() }
        }
        return refresh()
    }

    /** Read the form again off the caller's thread; publish it unless a newer edit came. */
    fun refresh(): Job {
        val n = generation.incrementAndGet()
        return scope.launch {
            val r = call(io, read)
            if (n == generation.get()) publish(r)
        }
    }
}

/** Every problem of a form (errors and warnings) by the field it belongs to, as the core names it. */
fun problemsByField(problems: List<Problem>): Map<String, List<Problem>> = problems.groupBy { it.field }
