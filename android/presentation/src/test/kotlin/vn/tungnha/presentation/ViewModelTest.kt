package vn.tungnha.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Test
import vn.tungnha.core.Channel
import vn.tungnha.core.ErrorAction
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.FigureScope
import vn.tungnha.core.HouseholdStatus
import vn.tungnha.core.Role
import vn.tungnha.core.SkillLevel
import vn.tungnha.core.SyncPhase
import vn.tungnha.core.SyncSettings
import java.time.Instant
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** The view-models of android/presentation over the real bindings (and, for sync, the real server). */
class ViewModelTest {
    @Test
    fun householdListFiltersByStatusAndSearchesWithoutAccents() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h1, p1) = c.household("Số 1", "Đặng Văn Hùng")
            c.household("Số 2", "Nguyễn Thị Mai")
            c.household("Số 3", "Đặng Thị Lụa")
            val vm = HouseholdListViewModel(db, this, Dispatchers.IO)
            vm.load(c.teamId, c.volunteerId).join()
            assertEquals(HouseholdListViewModel.Counts(total = 3, notVisited = 3), vm.state.value.counts)
            assertEquals(listOf("Số 1", "Số 2", "Số 3"), vm.state.value.rows.map { it.address })

            db.recordVisit(c.visit(h1, p1, listOf("online_payment")))
            vm.refresh().join()
            assertEquals(HouseholdListViewModel.Counts(total = 3, notVisited = 2, visited = 1), vm.state.value.counts)
            vm.setFilter(HouseholdListViewModel.Filter.NOT_VISITED)
            assertEquals(listOf("Số 2", "Số 3"), vm.state.value.rows.map { it.address })

            vm.setQuery("dang").join()
            assertEquals(listOf("Số 3"), vm.state.value.rows.map { it.address }, "search within the filtered list")
            vm.setFilter(HouseholdListViewModel.Filter.ALL)
            assertEquals(listOf("Số 1", "Số 3"), vm.state.value.rows.map { it.address })
            vm.setQuery("").join()
            assertEquals(3, vm.state.value.rows.size)
            assertNull(vm.state.value.error)

            val broken = HouseholdListViewModel(db, this, Dispatchers.IO)
            broken.load("no-such-team").join()
            assertEquals(ErrorCode.NOT_FOUND, broken.state.value.error?.code)
            assertEquals(ErrorAction.DISMISS, broken.state.value.error?.action)
        }
    }

    @Test
    fun recordVisitShowsTheCoresProblemsNextToTheFormFields() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h, people) = c.household("Số 12, tổ 3", "Lò Văn Pánh", "Lò Thị Xuân")
            val vm = RecordVisitViewModel(db, this, Dispatchers.IO)
            vm.openAtHousehold(h, c.teamId, c.volunteerId).join()
            assertEquals(listOf("Lò Văn Pánh", "Lò Thị Xuân"), vm.state.value.people.map { it.name })
            assertEquals("Số 12, tổ 3, Bản Mòng", vm.state.value.placeLabel)
            assertEquals(5, vm.skillChoices.size)
            // Shown as soon as the form opens, before any save.
            val s = vm.state.value
            assertFalse(s.canSave)
            assertEquals(listOf("Chọn ít nhất một người được hướng dẫn"), s.fieldErrors[RecordVisitViewModel.Field.ATTENDEES])
            assertEquals(listOf("Chọn ít nhất một nội dung hướng dẫn"), s.fieldErrors[RecordVisitViewModel.Field.TOPICS])

            // Saving anyway: the core refuses, nothing is written.
            val pending = db.pendingCount()
            vm.save().join()
            assertEquals(ErrorCode.INVALID, vm.state.value.error?.code)
            assertEquals(ErrorAction.FIX_FIELDS, vm.state.value.error?.action)
            assertNull(vm.state.value.savedVisitId)
            assertEquals(pending, db.pendingCount(), "nothing written")

            vm.toggleSkill(people[1], "online_payment") // ticking a skill marks the person present
            vm.toggleTopic("cashless_payment")
            vm.setOccurredAt(Instant.now().plusSeconds(3 * 86_400)).join()
            val future = vm.state.value.fieldErrors[RecordVisitViewModel.Field.WHEN].orEmpty()
            assertTrue(future.single().contains("tương lai"), "Vietnamese message next to the time: $future")
            assertEquals(null, vm.state.value.fieldErrors[RecordVisitViewModel.Field.ATTENDEES])

            vm.setOccurredAt(hoursAgo(1))
            vm.setNotes("Hướng dẫn chuyển khoản bằng mã QR").join()
            assertTrue(vm.state.value.canSave)
            vm.save().join()
            val saved = assertNotNull(vm.state.value.savedVisitId)
            assertTrue(vm.state.value.fieldErrors.isEmpty())
            val visit = db.householdDetail(h).visits.single()
            assertEquals(saved, visit.id)
            assertEquals(listOf(people[1]), visit.attendees.map { it.personId })
            assertEquals(listOf("cashless_payment"), visit.topics)
            assertEquals("Hướng dẫn chuyển khoản bằng mã QR", visit.notes)
            val xuan = db.householdDetail(h).members.first { it.person.id == people[1] }
            assertEquals(SkillLevel.GUIDED, xuan.skills.first { it.skill == "online_payment" }.level)
            assertEquals(HouseholdStatus.VISITED, db.assignmentHouseholds(c.teamId, null).single().status)
        }
    }

    @Test
    fun problemPathsMapToFormFields() {
        val f = RecordVisitViewModel::formField
        assertEquals(RecordVisitViewModel.Field.ATTENDEES, f("attendees[2].person_id"))
        assertEquals(RecordVisitViewModel.Field.ATTENDEES, f("attendees"))
        assertEquals(RecordVisitViewModel.Field.PLACE, f("place.household_id"))
        assertEquals(RecordVisitViewModel.Field.WHEN, f("occurred_at"))
        assertEquals(RecordVisitViewModel.Field.TOPICS, f("topics"))
        assertEquals(RecordVisitViewModel.Field.OTHER, f("team_id"))
        val grouped = RecordVisitViewModel.byFormField(mapOf("attendees[0].skills_guided" to listOf("a"), "attendees[1].person_id" to listOf("b", "a")))
        assertEquals(mapOf(RecordVisitViewModel.Field.ATTENDEES to listOf("a", "b")), grouped)
    }

    @Test
    fun selfReportRaisesLevelsAndFiguresFollow() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h1, p1) = c.household("Số 4", "Tòng Thị Phới")
            c.household("Số 5", "Lường Văn Chăm")
            val report = SelfReportViewModel(db, this, Channel.APP, Dispatchers.IO)
            report.open(h1).join()
            ALL_SKILLS.forEach { report.toggle(p1[0], it) }
            report.toggle(p1[0], "online_shopping")
            report.toggle(p1[0], "online_shopping").join()
            report.save().join()
            assertEquals(1, report.state.value.savedIds.size)
            assertTrue(db.householdDetail(h1).members.single().skills.all { it.level == SkillLevel.SELF_REPORTED })

            val figures = FiguresViewModel(db, this, Dispatchers.IO)
            figures.load(FigureScope.Team(c.teamId)).join()
            val f = assertNotNull(figures.state.value.figures)
            assertEquals(1u, f.peopleMasteringAll)
            assertEquals(0, figures.state.value.visitedPercent)
            db.recordVisit(c.visit(h1, p1, listOf("online_payment")))
            figures.load(FigureScope.Team(c.teamId)).join()
            assertEquals(50, figures.state.value.visitedPercent)

            val nobody = SelfReportViewModel(db, this, Channel.APP, Dispatchers.IO)
            nobody.open("not-an-id").join()
            assertEquals(ErrorCode.NOT_FOUND, nobody.state.value.error?.code)
        }
    }

    @Test
    fun enrolAndSyncThroughTheViewModels() = runBlocking {
        openTempDatabase().use { db ->
            val enrol = EnrolViewModel(db, TestServer.url, this, Dispatchers.IO)
            enrol.check().join()
            assertNull(enrol.state.value.enrolment)

            val notYet = SyncViewModel(db, TestServer.url, this, Dispatchers.IO)
            notYet.sync().join()
            assertEquals(ErrorCode.NOT_ENROLLED, notYet.state.value.error?.code)
            assertEquals(ErrorAction.ENROL, notYet.state.value.error?.action)
            assertTrue(notYet.state.value.mustEnrol)

            // Not even a code (O and 1 are not in the alphabet): the core says so, no server asked.
            enrol.enrol("WRONG123", "Máy thử").join()
            assertEquals(ErrorCode.INVALID, enrol.state.value.error?.code)
            assertEquals(ErrorAction.FIX_FIELDS, enrol.state.value.error?.action)
            assertTrue(enrol.state.value.error!!.fieldMessages.containsKey("code"))
            // A code, but a wrong one: the server refuses it.
            enrol.enrol("WRNG2345", "Máy thử").join()
            assertEquals(ErrorCode.UNAUTHORIZED, enrol.state.value.error?.code)
            assertEquals(ErrorAction.ENROL, enrol.state.value.error?.action)
            enrol.enrol(TestServer.communeOfficialCode(COMMUNE, "Vũ Thị Đăng Ký").lowercase(), "Máy xã").join()
            assertNull(enrol.state.value.error)
            assertEquals(Role.COMMUNE_OFFICIAL, enrol.state.value.enrolment?.role)

            Commune(db, villageName = "Bản Nà").household("Số 6", "Hà Thị Nương")
            val vm = SyncViewModel(db, TestServer.url, this, Dispatchers.IO)
            vm.refreshQueues().join()
            assertTrue(vm.state.value.pending > 0u)
            assertEquals(SyncViewModel.Status.Unsent(vm.state.value.pending), vm.state.value.status)
            vm.sync().join()
            val s = vm.state.value
            assertNull(s.error)
            assertEquals(false, s.running)
            assertTrue(s.progressReports >= 3, "progress reached the view-model: ${s.progressReports}")
            assertEquals(SyncPhase.DONE, s.progress?.phase)
            assertEquals(0uL, s.pending)
            assertEquals(SyncViewModel.Status.Synced, s.status)
            assertTrue(s.lastSyncAt != null, "the core records when the last sync was")
        }
    }

    @Test
    fun syncViewModelReportsNetworkFailuresAndCancels() = runBlocking {
        openTempDatabase().use { db ->
            db.enrol(TestServer.url, TestServer.communeOfficialCode(COMMUNE, "Trịnh Văn Mất Sóng"), "Máy vùng sâu")
            Commune(db, villageName = "Bản Xa").household("Số 1", "Sùng A Páo")
            val offline = SyncViewModel(db, TestServer.deadUrl, this, Dispatchers.IO, SyncSettings(retries = 0u))
            offline.sync().join()
            assertEquals(ErrorCode.NETWORK, offline.state.value.error?.code)
            assertEquals(ErrorAction.RETRY_LATER, offline.state.value.error?.action)
            assertTrue(offline.state.value.pending > 0u, "the work waits on the device")
            assertEquals(SyncViewModel.Status.Failed(offline.state.value.error!!), offline.state.value.status)

            val waiting = SyncViewModel(db, TestServer.deadUrl, this, Dispatchers.IO, SyncSettings(retries = 3u, firstBackoffMs = 600_000u))
            val job = waiting.sync()
            withTimeout(30_000) { waiting.state.first { it.progress?.phase == SyncPhase.RETRYING } }
            assertEquals(SyncViewModel.Status.Retrying, waiting.state.value.status)
            waiting.cancel()
            withTimeout(30_000) { job.join() }
            assertEquals(ErrorCode.CANCELLED, waiting.state.value.error?.code)
            assertEquals(ErrorAction.DISMISS, waiting.state.value.error?.action)
            assertEquals(false, waiting.state.value.running)
        }
    }
}
