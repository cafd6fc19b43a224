package vn.tungnha.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.junit.Test
import vn.tungnha.core.Database
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.FigureScope
import vn.tungnha.core.Figures
import vn.tungnha.core.Relation
import vn.tungnha.core.SyncSettings
import vn.tungnha.core.TungNhaException
import vn.tungnha.core.VisitPlace
import java.net.HttpURLConnection
import java.net.URI
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** A server of its own: the commune's figures on it are exactly this test's. */
object OfflineDayServer : ServerProcess("tungnha-offline-day")

/**
 * A volunteer's offline day (issue 10), through the view-models, real bindings, a real
 * SQLite file and a real `tungnha serve`: with the server unreachable, register 3
 * households, record a visit at each and one group session across them with a walk-in; the
 * app is killed mid-day (the database closed and reopened, the group session's draft
 * restored from its snapshot); then sync, and the figures on the phone and on the server
 * are exactly what was recorded.
 */
class OfflineDayTest {
    private val server = OfflineDayServer

    private fun get(url: String): String {
        val c = URI(url).toURL().openConnection() as HttpURLConnection
        try {
            assertEquals(200, c.responseCode, url)
            return c.inputStream.bufferedReader().readText()
        } finally {
            c.disconnect()
        }
    }

    /** The first `"key":N` of the server's figures (the top-level ones come first). */
    private fun number(json: String, key: String): UInt =
        assertNotNull(Regex("\"$key\":(\\d+)").find(json), "$key in $json").groupValues[1].toUInt()

    /** One skill's row of the server's figures: not started, guided, self-reported, verified. */
    private fun skillRow(json: String, skill: String): List<UInt> {
        val m = assertNotNull(
            Regex("\\{\"skill\":\"$skill\",\"not_started\":(\\d+),\"guided\":(\\d+),\"self_reported\":(\\d+),\"verified\":(\\d+)\\}").find(json),
            "$skill in $json",
        )
        return m.groupValues.drop(1).map { it.toUInt() }
    }

    private data class Registered(val id: String, val people: List<String>)

    private suspend fun register(db: Database, vm: RegisterHouseholdViewModel, villageId: String, volunteerId: String, address: String, vararg people: Pair<String, String>): Registered {
        vm.start(villageId).join()
        vm.setAddress(address)
        people.forEachIndexed { i, (name, year) ->
            if (i > 0) vm.addMember(Relation.CHILD)
            vm.setMemberName(i, name)
            vm.setMemberBirthYear(i, year)
        }
        vm.recordConsent().join()
        assertTrue(vm.state.value.canSave, "${vm.state.value.form}")
        vm.save(volunteerId).join()
        val id = assertNotNull(vm.state.value.savedHouseholdId, "${vm.state.value.error}")
        return Registered(id, db.householdDetail(id).members.map { it.person.id })
    }

    @Test
    fun aVolunteersOfflineDay() = runBlocking {
        openTempDatabase("tungnha-office").use { office ->
            office.enrol(server.url, server.communeOfficialCode(COMMUNE, "Điêu Chính Tơi"), "Máy xã")
            val c = Commune(office, villageName = "Bản Nà Ngày")
            office.sync(server.url, null, null, null)

            val path = tempDir("tungnha-volunteer").resolve("device.db").toString()
            var phone = Database.open(path)
            phone.enrol(server.url, server.memberCode("volunteer", c.teamId, c.volunteerId, "Quàng Thị Hoa"), "Điện thoại của Hoa")
            phone.sync(server.url, null, null, null)
            assertEquals(setOf("Bản Nà Ngày"), phone.villages().map { it.name }.toSet(), "the assignment arrived")

            // Out of reach all day: a sync attempt fails, typed, and nothing is lost.
            val offline = assertFailsWith<TungNhaException.Network> { phone.sync(server.deadUrl, SyncSettings(retries = 0u), null, null) }
            assertEquals(ErrorCode.NETWORK, offline.code)

            // Morning: three households registered, with consent and members.
            val reg = RegisterHouseholdViewModel(phone, this, Dispatchers.IO)
            val h1 = register(phone, reg, c.villageId, c.volunteerId, "Số 1, tổ 4", "Lò Văn Pánh" to "1968", "Lò Thị Xuân" to "2001")
            val h2 = register(phone, reg, c.villageId, c.volunteerId, "Số 2, tổ 4", "Cầm Thị Ơn" to "1975", "Cầm Văn Tú" to "1999")
            val h3 = register(phone, reg, c.villageId, c.volunteerId, "Số 3, tổ 4", "Quàng Văn Mến" to "1960")
            val byName = { h: Registered, name: String -> phone.householdDetail(h.id).members.single { it.person.fullName == name }.person.id }
            val panh = byName(h1, "Lò Văn Pánh")
            val xuan = byName(h1, "Lò Thị Xuân")
            val on = byName(h2, "Cầm Thị Ơn")
            val tu = byName(h2, "Cầm Văn Tú")

            // Visits at the first two households.
            suspend fun visitAt(db: Database, h: Registered, topic: String, ticks: Map<String, List<String>>) {
                val vm = RecordVisitViewModel(db, this, Dispatchers.IO)
                vm.openAtHousehold(h.id, c.teamId, c.volunteerId).join()
                ticks.forEach { (person, skills) -> skills.forEach { vm.toggleSkill(person, it) } }
                vm.toggleTopic(topic).join()
                assertTrue(vm.state.value.canSave, "${vm.state.value.form}")
                vm.save().join()
                assertNotNull(vm.state.value.savedVisitId, "${vm.state.value.error}")
            }
            visitAt(phone, h1, "vneid", mapOf(panh to listOf("public_services"), xuan to listOf("online_payment", "online_safety")))
            visitAt(phone, h2, "cashless_payment", mapOf(on to listOf("online_payment")))

            // Afternoon: a group session at the cultural house, begun before the phone dies.
            val group = RecordVisitViewModel(phone, this, Dispatchers.IO)
            group.openGroupSession("", c.teamId, c.volunteerId).join()
            assertTrue(group.state.value.isGroupSession)
            assertTrue(RecordVisitViewModel.Field.PLACE in group.state.value.fieldErrors, "a session needs its place")
            group.setPlace("Nhà văn hoá bản Nà Ngày").join()
            assertNull(group.state.value.fieldErrors[RecordVisitViewModel.Field.PLACE])
            assertEquals("Nhà văn hoá bản Nà Ngày", group.state.value.placeLabel)
            group.searchPeople("lo thi xuan").join()
            assertEquals(xuan, group.state.value.found.first().personId, "found without accents")
            group.addPeople(group.state.value.found.take(1)).join()
            group.toggleSkill(xuan, "digital_platforms").join()
            group.startWalkIn(h3.id).join()
            group.setWalkInName("Quàng Thị Sen").join()
            val kept = assertNotNull(group.draftJson())
            val pending = phone.pendingCount()

            // The app is killed: the database closes, and opens again.
            phone.close()
            phone = Database.open(path)
            assertEquals(pending, phone.pendingCount(), "every saved record is still waiting to be sent")
            assertEquals(3, phone.assignmentHouseholds(c.teamId, c.volunteerId).size)

            // A damaged snapshot is a typed error, not a crash.
            val broken = RecordVisitViewModel(phone, this, Dispatchers.IO)
            broken.restore(kept.take(kept.length / 2)).join()
            assertEquals(ErrorCode.INVALID, broken.state.value.error?.code)
            assertTrue(broken.state.value.error!!.fieldMessages.containsKey("snapshot"))

            // The session comes back as it was, walk-in half-typed, and goes on.
            val again = RecordVisitViewModel(phone, this, Dispatchers.IO)
            again.restore(kept).join()
            val back = again.state.value
            assertNull(back.error)
            assertEquals("Nhà văn hoá bản Nà Ngày", back.placeLabel)
            assertEquals(listOf("Lò Thị Xuân"), back.people.filter { it.present }.map { it.name }, "named by the core after the restart")
            assertEquals(setOf("digital_platforms"), back.people.single { it.personId == xuan }.skills)
            assertEquals("Quàng Thị Sen", back.walkIn?.fullName)
            assertEquals(h3.id, back.walkIn?.householdId)
            assertTrue(back.walkInProblems.containsKey("walk_in.consent"), "${back.walkInForm}")
            assertTrue(!back.canAddWalkIn)

            again.setWalkInBirthYear("2003")
            again.setWalkInRelation(Relation.CHILD)
            again.recordWalkInConsent().join()
            assertTrue(again.state.value.canAddWalkIn, "${again.state.value.walkInForm}")
            again.addWalkIn(c.volunteerId).join()
            val sen = assertNotNull(again.state.value.addedWalkInId, "${again.state.value.error}")
            assertNull(again.state.value.walkIn)
            assertTrue(again.state.value.people.single { it.personId == sen }.present, "the walk-in is present")
            assertEquals("Quàng Thị Sen", again.state.value.people.single { it.personId == sen }.name)
            assertEquals(Relation.CHILD, phone.householdDetail(h3.id).members.single { it.person.id == sen }.person.relation)

            again.searchPeople("cam van tu").join()
            again.addPeople(again.state.value.found.take(1)).join()
            again.toggleSkill(tu, "online_shopping")
            again.toggleSkill(sen, "public_services")
            again.toggleAction(sen, "vneid_activated")
            again.toggleTopic("online_public_services").join()
            assertTrue(again.state.value.canSave, "${again.state.value.form}")
            again.save().join()
            val session = phone.visit(assertNotNull(again.state.value.savedVisitId, "${again.state.value.error}"))
            assertEquals(VisitPlace.Group("Nhà văn hoá bản Nà Ngày"), session.place)
            assertEquals(setOf(h1.id, h2.id, h3.id), session.attendees.mapNotNull { it.householdId }.toSet(), "one session across the three households")

            // The last household's visit, after the restart.
            val men = byName(h3, "Quàng Văn Mến")
            visitAt(phone, h3, "vneid", mapOf(men to listOf("public_services")))

            // Evening, back in reach: everything goes up, nothing is refused.
            val toSend = phone.pendingCount()
            val report = phone.sync(server.url, null, null, null)
            assertEquals(toSend.toUInt(), report.progress.opsAcked)
            assertEquals(0u, report.progress.opsRejected)
            assertEquals(0uL, phone.pendingCount())

            // What was recorded: 3 household visits and 1 group session; 6 people guided.
            val guided = mapOf("public_services" to 3u, "online_payment" to 2u, "online_safety" to 1u, "digital_platforms" to 1u, "online_shopping" to 1u)
            val figures = FiguresViewModel(phone, this, Dispatchers.IO)
            figures.load(FigureScope.Commune(COMMUNE)).join()
            val f: Figures = assertNotNull(figures.state.value.figures, "${figures.state.value.error}")
            assertEquals(listOf(3u, 3u, 6u, 6u), listOf(f.households, f.householdsVisited, f.people, f.peopleGuided))
            assertEquals(listOf(4u, 3u, 1u), listOf(f.visits, f.householdVisits, f.groupSessions))
            assertEquals(guided, f.skills.filter { it.guided > 0u }.associate { it.skill to it.guided })
            assertEquals(100, figures.state.value.visitedPercent)
            assertEquals(1u, f.actions.single { it.action == "vneid_activated" }.people)

            val json = get("${server.url}/api/figures?commune=$COMMUNE")
            for ((key, value) in listOf("households" to f.households, "people_guided" to f.peopleGuided, "visits" to f.visits, "household_visits" to f.householdVisits, "group_sessions" to f.groupSessions)) {
                assertEquals(value, number(json, key), "server's $key")
            }
            for (s in f.skills) {
                assertEquals(listOf(s.notStarted, s.guided, s.selfReported, s.verified), skillRow(json, s.skill), "server's ${s.skill}")
            }
            phone.close()
        }
    }
}
