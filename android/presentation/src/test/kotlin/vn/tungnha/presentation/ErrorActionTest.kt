package vn.tungnha.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.junit.Test
import vn.tungnha.core.Database
import vn.tungnha.core.ErrorAction
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.SyncCancel
import vn.tungnha.core.SyncSettings
import vn.tungnha.core.TungNhaException
import vn.tungnha.core.errorAction
import vn.tungnha.core.errorMessageEn
import vn.tungnha.core.errorMessageVi
import java.io.File
import java.io.RandomAccessFile
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * What the app should do when a call fails, as the core decides it from the typed code:
 * each action reached through a real path (the bindings over a real SQLite file, a real
 * `tungnha serve`, or real HTTP to a stand-in for what only an old app or a proxy meets),
 * and the mapping itself for the one action no test can reach (a full phone).
 */
class ErrorActionTest {
    @Test
    fun everyCodeHasAnActionAndTheCoresMessages() {
        for (code in ErrorCode.entries) {
            assertTrue(errorMessageVi(code).isNotBlank() && errorMessageEn(code).isNotBlank(), "$code")
            assertNotEquals(errorMessageVi(code), errorMessageEn(code), "$code")
        }
        assertEquals(ErrorAction.entries.toSet(), ErrorCode.entries.map { errorAction(it) }.toSet(), "every action is chosen for some code")
        // A full phone cannot be made here: the mapping is what there is to test.
        assertEquals(listOf(ErrorCode.DISK_FULL), ErrorCode.entries.filter { errorAction(it) == ErrorAction.FREE_SPACE })
    }

    @Test
    fun anInvalidVisitAsksToFixTheFields() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h, _) = c.household("Số 1", "Lò Văn Pánh")
            val e = assertFailsWith<TungNhaException.Validation> { db.recordVisit(c.visit(h, emptyList(), emptyList())) }
            assertEquals(ErrorCode.INVALID, e.code())
            assertEquals(ErrorAction.FIX_FIELDS, e.action())
            assertEquals(e.messageVi, e.messageVi(), "the accessor reads the case's field")

            val vm = RecordVisitViewModel(db, this, Dispatchers.IO)
            vm.openAtHousehold(h, c.teamId, c.volunteerId).join()
            vm.save().join()
            val error = assertNotNull(vm.state.value.error)
            assertEquals(ErrorAction.FIX_FIELDS, error.action)
            assertTrue(vm.state.value.fieldErrors.isNotEmpty(), "shown next to the fields")
        }
    }

    @Test
    fun aRevokedDeviceIsAskedToEnrolAgainAndKeepsItsWork() = runBlocking {
        val server = ServerProcess("tungnha-server-revoke")
        openTempDatabase().use { db ->
            db.enrol(server.url, server.communeOfficialCode(COMMUNE, "Hoàng Văn Mất Máy"), "Máy bị mất")
            Commune(db, villageName = "Bản Thu Hồi").household("Số 1", "Lường Thị Vân")
            val vm = SyncViewModel(db, server.url, this, Dispatchers.IO)
            vm.sync().join()
            assertNull(vm.state.value.error)

            server.revoke(db.deviceId())
            db.addVillage(COMMUNE, "Bản Sau Thu Hồi")
            vm.sync().join()
            val error = assertNotNull(vm.state.value.error)
            assertEquals(ErrorCode.UNAUTHORIZED, error.code)
            assertEquals(ErrorAction.ENROL, error.action)
            assertTrue(vm.state.value.mustEnrol)
            assertContains(error.message, "thu hồi", message = "the server's message: ${error.message}")
            assertEquals(1uL, vm.state.value.pending, "the work waits on the device")

            // A new code: the same phone sends what waited.
            db.enrol(server.url, server.communeOfficialCode(COMMUNE, "Hoàng Văn Mất Máy"), "Máy bị mất")
            vm.sync().join()
            assertNull(vm.state.value.error)
            assertFalse(vm.state.value.mustEnrol)
            assertEquals(0uL, vm.state.value.pending)
        }
    }

    @Test
    fun dataWrittenByANewerAppAsksForAnUpdate() {
        val path = tempDir("tungnha-newer").resolve("device.db")
        Database.open(path.toString()).close()
        val wal = File("$path-wal")
        assertTrue(!wal.exists() || wal.length() == 0L, "closing wrote everything into the file")
        // What a newer app leaves behind: a schema version this one does not know.
        // (SQLite keeps `user_version` as a big-endian integer at byte 60 of the file.)
        RandomAccessFile(path.toFile(), "rw").use {
            it.seek(60)
            it.writeInt(9_999)
        }
        val e = assertFailsWith<TungNhaException.Storage> { Database.open(path.toString()) }
        assertEquals(ErrorCode.SCHEMA_TOO_NEW, e.code())
        assertEquals(ErrorAction.UPDATE_APP, e.action())
        assertEquals(errorMessageVi(ErrorCode.SCHEMA_TOO_NEW), e.messageVi())
    }

    @Test
    fun aServerThatFindsTheAppTooOldAsksForAnUpdate() = runBlocking {
        val refusal = FakeServer.refusal(426, "update_required", "Máy chủ cần phiên bản 2.0 trở lên", "The server needs version 2.0 or later")
        FakeServer(mapOf("/v1/enrol" to FakeServer.enrolled(), "/v1/sync" to refusal)).use { fake ->
            openTempDatabase().use { db ->
                db.enrol(fake.url, "ABCD2345", "Máy cũ")
                val vm = SyncViewModel(db, fake.url, this, Dispatchers.IO)
                vm.sync().join()
                val error = assertNotNull(vm.state.value.error)
                assertEquals(ErrorCode.UPDATE_REQUIRED, error.code)
                assertEquals(ErrorAction.UPDATE_APP, error.action)
                assertTrue(vm.state.value.mustUpdate)
                assertEquals("Máy chủ cần phiên bản 2.0 trở lên", error.message, "the server's own message")
            }
        }
    }

    @Test
    fun aBusyOrFailingServerMeansTryAgainLater() = runBlocking {
        val answers = mapOf(
            "/v1/enrol" to FakeServer.enrolled(),
            "/bare/v1/sync" to (503 to ""), // a proxy's bare status
            "/proxy/v1/sync" to (502 to "<html><body>Bad Gateway</body></html>"),
            "/broken/v1/sync" to (500 to "{}"),
            // A code this app does not know, from a newer server: the status decides.
            "/newer/v1/sync" to FakeServer.refusal(503, "maintenance", "Máy chủ bảo trì đến 14 giờ", "Down for maintenance until 2 pm"),
        )
        FakeServer(answers).use { fake ->
            openTempDatabase().use { db ->
                db.enrol(fake.url, "ABCD2345", "Máy xã")
                db.addVillage(COMMUNE, "Bản Chờ")
                val once = SyncSettings(retries = 0u)
                fun refusal(base: String) = assertFailsWith<TungNhaException.ServerRefused> { db.sync(fake.url + base, once, null, null) }

                val bare = refusal("/bare")
                assertEquals(Triple(ErrorCode.UNAVAILABLE, ErrorAction.RETRY_LATER, 503.toUShort()), Triple(bare.code(), bare.action(), bare.status))
                assertEquals(errorMessageVi(ErrorCode.UNAVAILABLE), bare.messageVi(), "no message sent: the core's")
                assertEquals(ErrorCode.UNAVAILABLE, refusal("/proxy").code)
                assertEquals(ErrorCode.SERVER_ERROR to ErrorAction.RETRY_LATER, refusal("/broken").let { it.code() to it.action() })
                val newer = refusal("/newer")
                assertEquals(ErrorCode.UNAVAILABLE, newer.code())
                assertEquals("Máy chủ bảo trì đến 14 giờ", newer.messageVi(), "a message sent is kept")

                val vm = SyncViewModel(db, fake.url + "/bare", this, Dispatchers.IO, once)
                vm.sync().join()
                assertEquals(ErrorAction.RETRY_LATER, vm.state.value.error?.action)
                assertEquals(1uL, vm.state.value.pending, "the work waits on the device")
            }
        }
    }

    @Test
    fun tooManyWrongCodesMeansWaitAndTryAgainLater() {
        // Its own server: the lockout covers the whole address, 127.0.0.1.
        val server = ServerProcess("tungnha-server-lockout")
        openTempDatabase().use { db ->
            val first = assertFailsWith<TungNhaException.ServerRefused> { db.enrol(server.url, "WRONG234", "Máy đoán mã") }
            assertEquals(ErrorCode.UNAUTHORIZED to ErrorAction.ENROL, first.code() to first.action(), "a wrong code: enter another")
            var last = first
            repeat(14) {
                if (last.code() != ErrorCode.TOO_MANY_ATTEMPTS) {
                    last = assertFailsWith<TungNhaException.ServerRefused> { db.enrol(server.url, "WRONG234", "Máy đoán mã") }
                }
            }
            assertEquals(ErrorCode.TOO_MANY_ATTEMPTS, last.code())
            assertEquals(ErrorAction.RETRY_LATER, last.action())
            assertEquals(429.toUShort(), last.status)
            assertContains(last.messageVi(), "phút")
        }
    }

    @Test
    fun aWrongServerAddressIsForTheLeaderToSortOut() {
        openTempDatabase().use { db ->
            val e = assertFailsWith<TungNhaException.ServerRefused> { db.enrol(TestServer.url + "/khong-co", "ABCD2345", "Máy thử") }
            assertEquals(ErrorCode.BAD_REQUEST, e.code())
            assertEquals(ErrorAction.CONTACT_LEADER, e.action())
            assertEquals(404.toUShort(), e.status)
            // So is a build asked to encrypt what it cannot.
            val key = assertFailsWith<TungNhaException.Storage> { Database.open(tempDir("tungnha-key").resolve("d.db").toString(), "secret") }
            assertEquals(ErrorCode.ENCRYPTION_UNAVAILABLE to ErrorAction.CONTACT_LEADER, key.code() to key.action())
        }
    }

    @Test
    fun aCancelledSyncOrAMissingRecordIsDismissed() {
        FakeServer(mapOf("/v1/enrol" to FakeServer.enrolled())).use { fake ->
            openTempDatabase().use { db ->
                val missing = assertFailsWith<TungNhaException.NotFound> { db.householdDetail("not-an-id") }
                assertEquals(ErrorCode.NOT_FOUND to ErrorAction.DISMISS, missing.code() to missing.action())
                db.enrol(fake.url, "ABCD2345", "Máy xã")
                val cancel = SyncCancel().also { it.cancel() }
                val e = assertFailsWith<TungNhaException.Cancelled> { db.sync(fake.url, null, null, cancel) }
                assertEquals(ErrorCode.CANCELLED to ErrorAction.DISMISS, e.code() to e.action())
                cancel.close()
            }
        }
    }
}
