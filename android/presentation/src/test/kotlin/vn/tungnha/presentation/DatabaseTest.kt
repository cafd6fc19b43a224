package vn.tungnha.presentation

import org.junit.Test
import vn.tungnha.core.Attendee
import vn.tungnha.core.Channel
import vn.tungnha.core.Database
import vn.tungnha.core.DayRange
import vn.tungnha.core.ErrorAction
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.FigureScope
import vn.tungnha.core.HouseholdInput
import vn.tungnha.core.HouseholdStatus
import vn.tungnha.core.Relation
import vn.tungnha.core.SelfReportInput
import vn.tungnha.core.Severity
import vn.tungnha.core.SkillLevel
import vn.tungnha.core.TungNhaException
import vn.tungnha.core.VisitInput
import vn.tungnha.core.VisitPlace
import vn.tungnha.core.actions
import vn.tungnha.core.coreVersion
import vn.tungnha.core.skills
import vn.tungnha.core.topics
import java.time.ZoneId
import java.util.UUID
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** The bindings used directly, on a real SQLite file, without a server. */
class DatabaseTest {
    @Test
    fun openCloseAndReopenKeepsTheDevice() {
        val path = tempDir("tungnha-open").resolve("device.db").toString()
        val first = Database.open(path)
        val device = first.deviceId()
        UUID.fromString(device) // ids cross as strings, and they are UUIDs
        assertEquals(0uL, first.pendingCount())
        assertNull(first.enrolment())
        first.close()
        // A closed handle refuses calls instead of touching freed memory.
        assertFailsWith<IllegalStateException> { first.pendingCount() }
        Database.open(path).use { again -> assertEquals(device, again.deviceId()) }
    }

    @Test
    fun storageErrorsAreTyped() {
        val key = assertFailsWith<TungNhaException.Storage> {
            Database.open(tempDir("tungnha-key").resolve("device.db").toString(), "secret")
        }
        assertEquals(ErrorCode.ENCRYPTION_UNAVAILABLE, key.code)
        assertEquals(ErrorAction.CONTACT_LEADER, key.action())
        assertContains(key.messageVi, "mã hoá")
        val missing = assertFailsWith<TungNhaException.Storage> { Database.open("/nonexistent-dir/for/sure/device.db") }
        assertEquals(ErrorCode.STORAGE, missing.code)
        assertTrue(missing.detail.isNotEmpty())
    }

    @Test
    fun catalogsCrossTheBoundary() {
        assertEquals(ALL_SKILLS, skills().map { it.code })
        assertEquals("Thanh toán trực tuyến", skills().first { it.code == "online_payment" }.nameVi)
        assertTrue(topics().any { it.code == "vneid" })
        assertTrue(actions().any { it.code == "vneid_activated" })
        assertTrue(coreVersion().isNotBlank())
    }

    @Test
    fun validationErrorsAreKotlinExceptionsWithVietnameseMessages() {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h, people) = c.household("Số 5, tổ 2", "Cầm Văn Sơn", "Cầm Thị Lan")
            val pendingBefore = db.pendingCount()
            val empty = VisitInput(
                place = VisitPlace.Household(h),
                teamId = c.teamId,
                volunteerId = c.volunteerId,
                occurredAt = hoursAgo(1),
                attendees = emptyList(),
                topics = emptyList(),
            )
            val e = assertFailsWith<TungNhaException.Validation> { db.recordVisit(empty) }
            assertEquals(ErrorCode.INVALID, e.code)
            val codes = e.problems.map { it.field to it.code }.toSet()
            assertContains(codes, "attendees" to "no_attendees")
            assertContains(codes, "topics" to "no_topics")
            assertEquals("Chọn ít nhất một nội dung hướng dẫn", e.problems.first { it.code == "no_topics" }.messageVi)
            assertTrue(e.problems.all { it.severity == Severity.ERROR })
            assertContains(e.messageVi, "Chọn ít nhất một nội dung hướng dẫn")
            assertEquals(pendingBefore, db.pendingCount(), "nothing was written")

            // A time in the future, a skill code that does not exist, someone from another household.
            val (_, strangers) = c.household("Số 9", "Lường Văn Pọm")
            val bad = c.visit(h, listOf(people[0], strangers[0]), listOf("juggling"), at = java.time.Instant.now().plusSeconds(86_400 * 3))
            val e2 = assertFailsWith<TungNhaException.Validation> { db.recordVisit(bad) }
            val codes2 = e2.problems.map { it.code }.toSet()
            assertContains(codes2, "time_in_future")
            assertContains(codes2, "unknown_skill")
            assertContains(codes2, "person_not_in_household")

            // A household without consent for its head, and a bad phone number.
            val noConsent = HouseholdInput(
                villageId = c.villageId,
                address = "Số 1",
                head = person("Hà Văn Tư", Relation.HEAD).copy(consent = null),
                phone = "12345",
            )
            val e3 = assertFailsWith<TungNhaException.Validation> { db.addHousehold(noConsent) }
            val byField = e3.problems.associateBy { it.field }
            assertEquals("consent_missing", byField.getValue("head.consent").code)
            assertTrue(byField.getValue("phone").code.startsWith("phone_"))
            println("Validation message (vi): ${e3.messageVi}")
        }
    }

    @Test
    fun idsThatNameNothingAreNotFound() {
        openTempDatabase().use { db ->
            val bad = assertFailsWith<TungNhaException.NotFound> { db.householdDetail("not-an-id") }
            assertEquals("household", bad.entity)
            assertEquals("not-an-id", bad.id)
            val missing = UUID.randomUUID().toString()
            val e = assertFailsWith<TungNhaException.NotFound> { db.householdDetail(missing) }
            assertEquals(missing, e.id)
            assertEquals(ErrorCode.NOT_FOUND, e.code)
        }
    }

    @Test
    fun syncNeedsEnrolment() {
        openTempDatabase().use { db ->
            val e = assertFailsWith<TungNhaException.NotEnrolled> { db.sync("http://127.0.0.1:9", null, null, null) }
            assertEquals(ErrorCode.NOT_ENROLLED, e.code)
            assertEquals(ErrorAction.ENROL, e.action())
            assertContains(e.messageVi, "chưa đăng ký")
        }
    }

    @Test
    fun visitsSelfReportsAndFiguresMatchWhatWasRecorded() {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h1, p1) = c.household("Số 12, tổ 3", "Lò Văn Pánh", "Lò Thị Xuân", "Lò Văn Minh")
            val (h2, p2) = c.household("Số 14, tổ 3", "Đặng Thị Hạnh")
            c.household("Số 20, tổ 4", "Quàng Văn Mến")
            val at = hoursAgo(2).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)

            val saved = db.recordVisit(c.visit(h1, p1.take(2), listOf("online_payment", "online_safety"), at))
            assertTrue(saved.warnings.isEmpty())
            db.recordVisit(c.visit(h2, p2, listOf("public_services"), topics = listOf("vneid", "cashless_payment")))
            db.recordSelfReport(SelfReportInput(personId = p1[2], skills = ALL_SKILLS, channel = Channel.WEB, reportedAt = hoursAgo(1)))

            val detail = db.householdDetail(h1)
            assertEquals(HouseholdStatus.GOAL_REACHED, detail.status, "one member masters all 5 skills")
            assertEquals("Lò Văn Pánh", detail.members.first().person.fullName, "head first")
            val visit = detail.visits.single()
            assertEquals(saved.id, visit.id)
            assertEquals(at, visit.occurredAt, "instants cross as java.time.Instant, to the millisecond")
            assertEquals(p1.take(2).toSet(), visit.attendees.map { it.personId }.toSet())
            val levels = detail.members.associate { m -> m.person.id to m.skills.associate { it.skill to it.level } }
            assertEquals(SkillLevel.GUIDED, levels.getValue(p1[0]).getValue("online_payment"))
            assertEquals(SkillLevel.NOT_STARTED, levels.getValue(p1[0]).getValue("public_services"))
            assertTrue(levels.getValue(p1[2]).values.all { it == SkillLevel.SELF_REPORTED })
            assertEquals(Channel.WEB, detail.selfReports.single().channel)

            val list = db.assignmentHouseholds(c.teamId, null).associateBy { it.id }
            assertEquals(3, list.size)
            assertEquals(at, list.getValue(h1).lastVisitAt)
            assertEquals(HouseholdStatus.VISITED, list.getValue(h2).status)
            assertEquals(3u, list.getValue(h1).memberCount)

            val f = db.figures(FigureScope.Commune(COMMUNE), null)
            assertEquals(3u, f.households)
            assertEquals(5u, f.people)
            assertEquals(2u, f.visits)
            assertEquals(2u, f.householdsVisited)
            assertEquals(3u, f.peopleGuided)
            assertEquals(1u, f.peopleMasteringAll)
            assertEquals(1u, f.householdsWith1Master)
            val payment = f.skills.first { it.skill == "online_payment" }
            assertEquals(2u, payment.guided)
            assertEquals(1u, payment.selfReported)
            assertEquals(2u, payment.notStarted)
            assertEquals(1u, f.topics.first { it.topic == "vneid" }.visits)
            val today = java.time.LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh"))
            val days = f.days.map { it.day }
            assertTrue(days.all { !it.isAfter(today) }, "days cross as java.time.LocalDate: $days")
            assertEquals(2u, f.days.sumOf { it.visits.toInt() }.toUInt())

            // The same figures for a window that holds every visit, none for a window before them.
            val window = DayRange(first = today.minusDays(2), last = today)
            assertEquals(2u, db.figures(FigureScope.Team(c.teamId), window).visits)
            assertEquals(0u, db.figures(FigureScope.Village(c.villageId), DayRange(today.minusDays(30), today.minusDays(20))).visits)

            val work = db.todaysWork(c.teamId, c.volunteerId, today)
            assertEquals(today, work.day)
            assertEquals(3u, work.householdsAssigned)
        }
    }

    @Test
    fun searchIgnoresVietnameseAccents() {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h, people) = c.household("Số 3", "Đặng Văn Hùng", "Đặng Thị Nguyệt")
            c.household("Số 4", "Nguyễn Văn An")
            val hits = db.search("dang nguyet", null, 10u)
            assertEquals(h, hits.single().householdId)
            assertEquals(people[1], hits.single().personId)
            assertEquals("Đặng Thị Nguyệt", hits.single().personName)
            assertEquals(2, db.search("so", c.villageId, 10u).size)
            assertTrue(db.search("   ", null, 10u).isEmpty())
            assertNotNull(db.villages().single { it.id == c.villageId })
        }
    }
}
