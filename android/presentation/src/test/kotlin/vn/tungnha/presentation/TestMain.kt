package vn.tungnha.presentation

import org.junit.internal.TextListener
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.notification.RunListener
import java.util.concurrent.ConcurrentHashMap
import kotlin.system.exitProcess

/**
 * Runs the given test classes with JUnit 4 (its own summary: `OK (N tests)` or the
 * failures), then prints the slowest tests and one plain closing line, `N passed, N failed`,
 * for any runner that reads it. Used by scripts/test-kotlin.sh; Gradle runs the same classes
 * with its own runner.
 */
fun main(args: Array<String>) {
    val core = JUnitCore()
    core.addListener(TextListener(System.out))
    val timings = Timings()
    core.addListener(timings)
    val result = core.run(*args.map { Class.forName(it) }.toTypedArray())
    println("slowest: " + timings.slowest(5).joinToString(", ") { (name, ms) -> "$name ${ms} ms" })
    val failed = result.failureCount
    val passed = result.runCount - failed - result.assumptionFailureCount
    val skipped = result.ignoreCount + result.assumptionFailureCount
    println("$passed passed, $failed failed" + if (skipped > 0) ", $skipped skipped" else "")
    exitProcess(if (result.wasSuccessful()) 0 else 1)
}

private class Timings : RunListener() {
    private val started = ConcurrentHashMap<Description, Long>()
    private val took = ConcurrentHashMap<String, Long>()

    override fun testStarted(description: Description) {
        started[description] = System.nanoTime()
    }

    override fun testFinished(description: Description) {
        val t0 = started.remove(description) ?: return
        took["${description.testClass?.simpleName}.${description.methodName}"] = (System.nanoTime() - t0) / 1_000_000
    }

    fun slowest(n: Int): List<Pair<String, Long>> = took.entries.sortedByDescending { it.value }.take(n).map { it.key to it.value }
}
