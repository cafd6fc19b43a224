package vn.tungnha.presentation

import org.junit.internal.TextListener
import org.junit.runner.JUnitCore
import kotlin.system.exitProcess

/**
 * Runs the given test classes with JUnit 4 (its own summary: `OK (N tests)` or the
 * failures), then prints one plain closing line, `N passed, N failed`, for any runner that
 * reads it. Used by scripts/test-kotlin.sh; Gradle runs the same classes with its own runner.
 */
fun main(args: Array<String>) {
    val core = JUnitCore()
    core.addListener(TextListener(System.out))
    val result = core.run(*args.map { Class.forName(it) }.toTypedArray())
    val failed = result.failureCount
    val passed = result.runCount - failed - result.assumptionFailureCount
    val skipped = result.ignoreCount + result.assumptionFailureCount
    println("$passed passed, $failed failed" + if (skipped > 0) ", $skipped skipped" else "")
    exitProcess(if (result.wasSuccessful()) 0 else 1)
}
