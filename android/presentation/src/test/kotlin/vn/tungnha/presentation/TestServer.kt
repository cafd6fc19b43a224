package vn.tungnha.presentation

import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.TimeUnit

/**
 * The server most tests share: one `tungnha serve`, started once for the whole run.
 */
object TestServer : ServerProcess("tungnha-server")

/**
 * A real `tungnha serve` on 127.0.0.1, started on first use and stopped when the JVM exits.
 * Enrolment codes are issued, and devices revoked, with the same binary's operator
 * commands, against the same database file. A test that locks its address out (too many
 * wrong codes) or revokes devices starts its own, so it cannot disturb the others.
 *
 * The binary comes from `-Dtungnha.bin` (scripts/test-kotlin.sh builds it) or `TUNGNHA_BIN`.
 */
open class ServerProcess(name: String) {
    private val bin: String by lazy {
        System.getProperty("tungnha.bin") ?: System.getenv("TUNGNHA_BIN")
            ?: error("set -Dtungnha.bin (or TUNGNHA_BIN) to the tungnha server binary; scripts/test-kotlin.sh does")
    }
    private val dir = tempDir(name)
    private val db = dir.resolve("server.db").toString()
    private val log = dir.resolve("server.log").toFile()

    /** The server's base URL; starts the server on first use. */
    val url: String by lazy { start() }

    /** A port nothing listens on (for network failures). */
    val deadUrl: String by lazy { "http://127.0.0.1:${freePort()}" }

    private fun freePort(): Int = ServerSocket(0).use { it.localPort }

    private fun start(): String {
        val port = freePort()
        val process = ProcessBuilder(bin, "serve", "--listen", "127.0.0.1:$port", "--db", db)
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start()
        Runtime.getRuntime().addShutdownHook(
            Thread {
                process.destroy()
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
            },
        )
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
        while (System.nanoTime() < deadline) {
            check(process.isAlive) { "tungnha serve exited (${process.exitValue()}):\n${log.readText()}" }
            try {
                Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 200) }
                return "http://127.0.0.1:$port"
            } catch (_: java.io.IOException) {
                Thread.sleep(50)
            }
        }
        error("tungnha serve did not listen on $port within 30 s:\n${log.readText()}")
    }

    /** The enrolment code of a new commune official (`tungnha create-official`). */
    fun communeOfficialCode(communeKey: String, name: String): String =
        issue("create-official", "--role", "commune_official", "--unit", communeKey, "--name", name)

    /** An enrolment code for a volunteer or leader of a team (`tungnha enrol-code`). */
    fun memberCode(role: String, teamId: String, memberId: String, name: String): String =
        issue("enrol-code", "--role", role, "--team", teamId, "--member", memberId, "--name", name)

    /** Revoke a device's token (`tungnha revoke`), as an operator does for a lost phone. */
    fun revoke(deviceId: String) {
        run("revoke", "--device", deviceId)
    }

    private fun run(vararg args: String): String {
        url // the server creates its database first
        val p = ProcessBuilder(listOf(bin) + args + listOf("--db", db)).redirectErrorStream(true).start()
        val out = p.inputStream.bufferedReader().readText()
        check(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) { "tungnha ${args.first()} failed:\n$out" }
        return out
    }

    private fun issue(vararg args: String): String {
        val out = run(*args)
        // "Mã đăng ký / enrolment code: L2R9WNUS"
        val code = Regex("""enrolment code:\s*([A-Z0-9]{4,})""", RegexOption.IGNORE_CASE).find(out)?.groupValues?.get(1)
            ?: Regex("""(?m)^\s*([A-Z2-9]{8})\s*$""").find(out)?.groupValues?.get(1)
        return checkNotNull(code) { "no enrolment code in the output of tungnha ${args.first()}:\n$out" }
    }

    /** The server's log so far (for failure messages). */
    fun logText(): String = if (log.exists()) log.readText() else ""
}
