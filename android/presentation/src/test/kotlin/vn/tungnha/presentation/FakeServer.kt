package vn.tungnha.presentation

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress

/**
 * A stand-in for answers the real server gives only to an old app or under load (426,
 * 503), and for what a proxy in front of it may answer (a bare status, a page of HTML):
 * the JDK's own HTTP server on 127.0.0.1, answering each path with a fixed status and body.
 * The bindings reach it over real HTTP, exactly as they reach `tungnha serve`.
 */
class FakeServer(private val answers: Map<String, Pair<Int, String>>) : AutoCloseable {
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
        createContext("/") { exchange ->
            exchange.requestBody.readBytes()
            val (status, body) = answers[exchange.requestURI.path] ?: (404 to "")
            val bytes = body.toByteArray()
            if (body.startsWith("{")) exchange.responseHeaders.add("Content-Type", "application/json")
            exchange.sendResponseHeaders(status, if (bytes.isEmpty()) -1 else bytes.size.toLong())
            if (bytes.isNotEmpty()) exchange.responseBody.use { it.write(bytes) }
            exchange.close()
        }
        start()
    }

    val url: String = "http://127.0.0.1:${server.address.port}"

    override fun close() = server.stop(0)

    companion object {
        /** What `/v1/enrol` answers a commune official (the token is only ever sent back). */
        fun enrolled(): Pair<Int, String> = 200 to """
            {"device_id":null,"token":"fake-token","role":"commune_official","member_id":null,"team_id":null,
             "household_id":null,"commune_key":"$COMMUNE","server_time_ms":${System.currentTimeMillis()}}
        """.trimIndent()

        /** The server's refusal: its JSON error body. */
        fun refusal(status: Int, code: String, vi: String, en: String): Pair<Int, String> =
            status to """{"code":"$code","message_vi":"$vi","message_en":"$en"}"""
    }
}
