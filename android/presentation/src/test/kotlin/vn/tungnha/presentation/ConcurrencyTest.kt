package vn.tungnha.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.Test
import vn.tungnha.core.Database
import vn.tungnha.core.FigureScope
import vn.tungnha.core.TungNhaException
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** One handle, many coroutines on Dispatchers.IO at once: no crash, no lost or doubled write. */
class ConcurrencyTest {
    @Test
    fun manyCoroutinesWritingAndReadingAtOnceNeitherCrashNorCorrupt() = runBlocking {
        val path = tempDir("tungnha-concurrent").resolve("device.db").toString()
        val writers = 8
        val perWriter = 25
        val total = writers * perWriter
        val teamId: String
        val pendingBefore: ULong
        Database.open(path).use { db ->
            val c = Commune(db)
            teamId = c.teamId
            val households = (1..10).map { c.household("Số $it, tổ 7", "Người Thứ $it", "Con Thứ $it") }
            pendingBefore = db.pendingCount()
            val reads = AtomicInteger()
            val writes = (0 until writers).map { w ->
                async(Dispatchers.IO) {
                    repeat(perWriter) { i ->
                        val (h, people) = households[(w * perWriter + i) % households.size]
                        db.recordVisit(c.visit(h, people, listOf(ALL_SKILLS[i % ALL_SKILLS.size])))
                    }
                }
            }
            val readers = (0 until 6).map { r ->
                async(Dispatchers.IO) {
                    repeat(30) { i ->
                        val list = db.assignmentHouseholds(teamId, null)
                        assertEquals(10, list.size)
                        val f = db.figures(FigureScope.Team(teamId), null)
                        assertTrue(f.visits.toInt() in 0..total)
                        db.householdDetail(households[(r + i) % households.size].first)
                        db.search("nguoi thu", null, 20u)
                        reads.incrementAndGet()
                    }
                }
            }
            val refused = async(Dispatchers.IO) {
                repeat(40) {
                    // Errors stay errors under load, and write nothing.
                    assertFailsWith<TungNhaException.Validation> { db.recordVisit(c.visit(households[0].first, emptyList(), emptyList())) }
                }
            }
            (writes + readers + refused).awaitAll()
            assertEquals(6 * 30, reads.get())

            assertEquals(pendingBefore + total.toULong(), db.pendingCount())
            assertEquals(total.toUInt(), db.figures(FigureScope.Team(teamId), null).visits)
            val list = db.assignmentHouseholds(teamId, null)
            assertEquals(total, list.sumOf { it.visitCount.toInt() })
            list.forEach { row -> assertEquals(row.visitCount.toInt(), db.householdDetail(row.id).visits.size) }
        }
        // Everything is on disk: a new handle on the file sees the same.
        Database.open(path).use { again ->
            assertEquals(pendingBefore + total.toULong(), again.pendingCount())
            assertEquals(total.toUInt(), again.figures(FigureScope.Team(teamId), null).visits)
        }
    }

    @Test
    fun closingWhileCallsAreRunningIsSafe() = runBlocking {
        val path = tempDir("tungnha-closing").resolve("device.db").toString()
        val db = Database.open(path)
        val c = Commune(db)
        c.household("Số 1", "Vì Văn Đóng")
        val done = AtomicInteger()
        val refused = AtomicInteger()
        val jobs = (0 until 8).map {
            launch(Dispatchers.IO) {
                repeat(300) {
                    try {
                        db.assignmentHouseholds(c.teamId, null)
                        done.incrementAndGet()
                    } catch (e: IllegalStateException) {
                        refused.incrementAndGet() // closed: refused, not a crash or a use-after-free
                    }
                }
            }
        }
        while (done.get() < 200) delay(5)
        // uniffi frees the handle once no call is running: calls that overlap the close may
        // still be served, later ones are refused.
        db.close()
        jobs.forEach { it.join() }
        assertEquals(8 * 300, done.get() + refused.get())
        assertFailsWith<IllegalStateException> { db.deviceId() }
        Database.open(path).use { assertEquals(1, it.assignmentHouseholds(c.teamId, null).size) }
    }

    @Test
    fun writingWhileSyncingLosesNothing() = runBlocking {
        val code = TestServer.communeOfficialCode(OTHER_COMMUNE, "Bùi Thị Đồng Thời")
        openTempDatabase("tungnha-busy").use { db ->
            db.enrol(TestServer.url, code, "Máy bận")
            val c = Commune(db, communeKey = OTHER_COMMUNE, villageName = "Bản Đồng Thời")
            val households = (1..4).map { c.household("Số $it", "Chủ Hộ $it") }
            val writes = (0 until 4).map { w ->
                async(Dispatchers.IO) { repeat(15) { i -> households[(w + i) % 4].let { (h, p) -> db.recordVisit(c.visit(h, p, listOf("online_safety"))) } } }
            }
            val syncs = async(Dispatchers.IO) { repeat(5) { db.sync(TestServer.url, null, null, null) } }
            (writes + syncs).awaitAll()
            db.sync(TestServer.url, null, null, null)
            assertEquals(0uL, db.pendingCount())

            // A second official of the commune pulls everything: the same 60 visits.
            openTempDatabase("tungnha-other").use { other ->
                other.enrol(TestServer.url, TestServer.communeOfficialCode(OTHER_COMMUNE, "Mai Văn Kiểm"), "Máy kiểm tra")
                other.sync(TestServer.url, null, null, null)
                val scope = FigureScope.Team(c.teamId)
                assertEquals(60u, other.figures(scope, null).visits)
                assertEquals(db.figures(scope, null), other.figures(scope, null))
            }
        }
    }
}
