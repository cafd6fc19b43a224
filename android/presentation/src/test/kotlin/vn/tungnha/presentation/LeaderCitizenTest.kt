package vn.tungnha.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.junit.Test
import vn.tungnha.core.Database
import vn.tungnha.core.ErrorAction
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.FigureScope
import vn.tungnha.core.HouseholdStatus
import vn.tungnha.core.Role
import vn.tungnha.core.SkillLevel
import vn.tungnha.core.TungNhaException
import vn.tungnha.core.enrolLink
import vn.tungnha.core.parseEnrolInput
import java.time.Instant
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** This class's own server: its many enrolments stay within one address's rate limit (20 a minute). */
private object LeaderServer : ServerProcess("tungnha-server-leader")

/**
 * A team leader's and a citizen's tasks against a real `tungnha serve`: verifying and
 * correcting skills, issuing enrolment codes (QR) for members and households, the team's
 * progress, and a citizen's self-report reaching the volunteer's phone.
 */
class LeaderCitizenTest {
    /** A commune official's phone with a commune set up and synced, and the team leader's phone enrolled and synced. */
    private class Setup(name: String) : AutoCloseable {
        val office: Database = openTempDatabase("tungnha-office")
        val c: Commune
        val leader: Database = openTempDatabase("tungnha-leader")

        init {
            office.enrol(LeaderServer.url, LeaderServer.communeOfficialCode(COMMUNE, "Cán bộ $name"), "Máy xã")
            c = Commune(office, villageName = "Bản $name")
        }

        fun enrolLeader() {
            office.sync(LeaderServer.url, null, null, null)
            leader.enrol(LeaderServer.url, LeaderServer.memberCode("team_leader", c.teamId, c.leaderId, "Lò Văn Thắng"), "Máy tổ trưởng")
            leader.sync(LeaderServer.url, null, null, null)
        }

        /** A phone enrolled with a code of this leader's, synced. */
        fun volunteerPhone(): Database = openTempDatabase("tungnha-volunteer").also { phone ->
            phone.enrol(LeaderServer.url, LeaderServer.memberCode("volunteer", c.teamId, c.volunteerId, "Quàng Thị Hoa"), "Máy tình nguyện viên")
            phone.sync(LeaderServer.url, null, null, null)
        }

        override fun close() {
            leader.close()
            office.close()
        }
    }

    @Test
    fun aLeaderVerifiesAndCorrectsAndAVolunteersPhoneSeesBoth() = runBlocking {
        Setup("Kiểm Tra").use { s ->
            val (h, people) = s.c.household("Số 4", "Lường Văn Ả", "Lường Thị Bích")
            s.enrolLeader()

            // On the leader's phone the leader is the member it is enrolled as: no id to pass.
            val vm = VerifyViewModel(s.leader, this, Dispatchers.IO)
            vm.open(h, people[1]).join()
            assertNull(vm.state.value.error)
            vm.toggle("public_services")
            vm.toggle("online_shopping").join()
            vm.verify().join()
            assertEquals(2, vm.state.value.verified.size, "${vm.state.value.error}")
            vm.startCorrection("online_shopping", SkillLevel.NOT_STARTED).join()
            vm.setReason("Chị Bích chưa tự mua hàng được").join()
            vm.saveCorrection().join()
            assertNotNull(vm.state.value.correctedId, "${vm.state.value.error}")

            val sent = s.leader.sync(LeaderServer.url, null, null, null)
            assertEquals(3u, sent.progress.opsAcked, "two verifications and a correction")
            assertEquals(0u, sent.progress.opsRejected)

            s.volunteerPhone().use { phone ->
                val bich = phone.householdDetail(h).members.single { it.person.id == people[1] }.skills.associate { it.skill to it.level }
                assertEquals(SkillLevel.VERIFIED, bich["public_services"], "the verified level reached the volunteer")
                assertEquals(SkillLevel.NOT_STARTED, bich["online_shopping"], "and so did the correction")
            }

            // A phone enrolled as nobody's member cannot verify: a typed error, not a crash.
            val nobody = VerifyViewModel(s.office, this, Dispatchers.IO)
            nobody.open(h, people[1]).join()
            assertEquals(ErrorCode.NOT_ENROLLED, nobody.state.value.error?.code)
        }
    }

    @Test
    fun aCitizenEnrolsFromTheLeadersQrCodeSelfReportsAndTheVolunteerSeesIt() = runBlocking {
        Setup("Dân Tự Báo").use { s ->
            val (h, people) = s.c.household("Số 12", "Hà Văn Tư", "Hà Thị Năm")
            s.enrolLeader()

            val issue = IssueCodeViewModel(s.leader, LeaderServer.url, this, Dispatchers.IO)
            issue.forHousehold(h, "Hà Văn Tư").join()
            val issued = assertNotNull(issue.state.value.issued, "${issue.state.value.error}")
            assertEquals(Role.CITIZEN, issued.role)
            assertEquals(COMMUNE, issued.communeKey)
            assertTrue(issued.expiresAt.isAfter(Instant.now().plusSeconds(3600)))
            val payload = assertNotNull(issue.state.value.qrPayload)
            assertTrue(payload.startsWith("tungnha://enrol?"), payload)
            assertEquals(issued.code, parseEnrolInput(payload).code)
            assertEquals(LeaderServer.url, parseEnrolInput(payload).serverUrl)

            openTempDatabase("tungnha-citizen").use { citizen ->
                // The app's own server is wrong on purpose: the QR code names the right one.
                val enrol = EnrolViewModel(citizen, LeaderServer.deadUrl, this, Dispatchers.IO)
                enrol.read("không phải mã").join()
                assertEquals(ErrorCode.INVALID, enrol.state.value.error?.code)
                assertEquals(ErrorAction.FIX_FIELDS, enrol.state.value.error?.action)
                assertTrue(enrol.state.value.error!!.fieldMessages.getValue("code").single().isNotBlank())
                enrol.read(payload).join()
                assertEquals(LeaderServer.url, enrol.state.value.scanned?.serverUrl)
                enrol.enrol(payload, "Điện thoại nhà anh Tư").join()
                val summary = assertNotNull(enrol.state.value.summary, "${enrol.state.value.error}")
                assertEquals(Role.CITIZEN, summary.role)
                assertEquals(h, summary.householdId)
                assertEquals(LeaderServer.url, summary.serverUrl)
                assertNotNull(summary.communeName, "the area is named at once")
                assertNotNull(summary.provinceName)
                assertNull(summary.householdAddress, "the household arrives with the first sync")
                assertEquals(LeaderServer.url, citizen.enrolment()?.serverUrl)

                citizen.sync(summary.serverUrl!!, null, null, null)
                enrol.refreshSummary().join()
                assertEquals("Số 12", enrol.state.value.summary?.householdAddress)

                val home = CitizenHomeViewModel(citizen, this, Dispatchers.IO)
                home.open().join()
                val before = assertNotNull(home.state.value.home, "${home.state.value.error}")
                assertEquals(2, before.people.size)
                assertTrue(before.people.all { p -> p.skills.size == 5 && p.skills.all { it.level == SkillLevel.NOT_STARTED } })
                assertEquals(5, home.skillChoices.size)
                assertTrue(home.skillChoices.all { it.plainVi.isNotBlank() })
                assertTrue(home.learnMore.url.startsWith("https://"))
                assertEquals(2, home.report.state.value.people.size)

                for (skill in ALL_SKILLS) home.toggle(people[0], skill).join()
                home.toggle(people[1], "online_safety").join()
                home.submit().join()
                assertEquals(2, home.state.value.submitted, "${home.report.state.value.error}")
                val after = home.state.value.home!!
                assertEquals(1u, after.peopleMasteringAll)
                assertEquals(50u, after.masteringAllPercent)
                assertEquals(HouseholdStatus.GOAL_REACHED, after.status)
                assertTrue(home.report.state.value.people.all { it.skills.isEmpty() }, "the form starts again")

                val sent = citizen.sync(LeaderServer.url, null, null, null)
                assertEquals(2u, sent.progress.opsAcked)
                assertEquals(0u, sent.progress.opsRejected)
            }

            s.volunteerPhone().use { phone ->
                val tu = phone.householdDetail(h).members.single { it.person.id == people[0] }
                assertTrue(tu.skills.all { it.level == SkillLevel.SELF_REPORTED }, "${tu.skills}")
                assertTrue(tu.mastersAll)
                val nam = phone.householdDetail(h).members.single { it.person.id == people[1] }.skills.associate { it.skill to it.level }
                assertEquals(SkillLevel.SELF_REPORTED, nam["online_safety"])
            }
        }
    }

    @Test
    fun aLeaderIssuesAVolunteerCodeAndTheNewPhoneShowsItsRoleAndArea() = runBlocking {
        Setup("Mã Tổ Viên").use { s ->
            s.enrolLeader()
            val issue = IssueCodeViewModel(s.leader, LeaderServer.url, this, Dispatchers.IO)
            issue.forMember(s.c.teamId, s.c.volunteerId, "Quàng Thị Hoa").join()
            val code = assertNotNull(issue.state.value.issued, "${issue.state.value.error}").code
            assertEquals(Role.VOLUNTEER, issue.state.value.issued?.role)
            assertEquals(IssueCodeViewModel.For.Member(s.c.teamId, s.c.volunteerId, Role.VOLUNTEER), issue.state.value.forWhom)

            openTempDatabase("tungnha-new-volunteer").use { phone ->
                val enrol = EnrolViewModel(phone, LeaderServer.url, this, Dispatchers.IO)
                // Typed by hand, in lower case with a dash: the core reads it.
                enrol.enrol(code.lowercase().chunked(4).joinToString("-"), "Máy của Hoa").join()
                val summary = assertNotNull(enrol.state.value.summary, "${enrol.state.value.error}")
                assertEquals(Role.VOLUNTEER, summary.role)
                assertEquals(COMMUNE, summary.unitKey)
                assertContains(summary.communeName.orEmpty(), "Tô Hiệu")
                assertEquals("Tỉnh Sơn La", summary.provinceName)
                assertEquals(s.c.teamId, summary.teamId)
                assertEquals(s.c.volunteerId, summary.memberId)
                phone.sync(LeaderServer.url, null, null, null)
                enrol.refreshSummary().join()
                assertEquals(s.c.team.name, enrol.state.value.summary?.teamName)
                assertEquals("Quàng Thị Hoa", enrol.state.value.summary?.memberName)
            }
            // A code is used once.
            openTempDatabase("tungnha-second").use { phone ->
                val again = EnrolViewModel(phone, LeaderServer.url, this, Dispatchers.IO)
                again.enrol(code, "Máy khác").join()
                assertEquals(ErrorCode.UNAUTHORIZED, again.state.value.error?.code)
            }
        }
    }

    @Test
    fun aLeaderMayNotIssueCodesOutsideTheirTeam() = runBlocking {
        Setup("Ngoài Tổ").use { s ->
            // Another team's household, in a village not assigned to the leader's team.
            val otherVillage = s.office.addVillage(COMMUNE, "Bản Khác")
            val other = s.office.addHousehold(vn.tungnha.core.HouseholdInput(villageId = otherVillage, address = "Số 1", head = person("Cầm Văn Khác", vn.tungnha.core.Relation.HEAD, 1980))).id
            s.enrolLeader()
            val issue = IssueCodeViewModel(s.leader, LeaderServer.url, this, Dispatchers.IO)
            issue.forHousehold(other).join()
            val e = assertNotNull(issue.state.value.error)
            assertEquals(ErrorCode.FORBIDDEN, e.code)
            assertEquals(ErrorAction.CONTACT_LEADER, e.action)
            assertTrue(e.message.isNotBlank())
            assertNull(issue.state.value.issued)
            assertNull(issue.state.value.qrPayload)

            // Nor a member code for another team, nor an official's code.
            val otherTeam = Commune(s.office, villageName = "Bản Tổ Khác")
            s.office.sync(LeaderServer.url, null, null, null)
            issue.forMember(otherTeam.teamId, otherTeam.volunteerId).join()
            assertEquals(ErrorCode.FORBIDDEN, issue.state.value.error?.code)
            val refused = assertFailsWith<TungNhaException.ServerRefused> {
                s.leader.issueCode(LeaderServer.url, vn.tungnha.core.CodeRequest(role = Role.COMMUNE_OFFICIAL, communeKey = COMMUNE))
            }
            assertEquals(403.toUShort(), refused.status)
            // A volunteer issues nothing.
            s.volunteerPhone().use { phone ->
                val v = IssueCodeViewModel(phone, LeaderServer.url, this, Dispatchers.IO)
                v.forMember(s.c.teamId, s.c.volunteerId).join()
                assertEquals(ErrorCode.FORBIDDEN, v.state.value.error?.code)
            }
        }
    }

    @Test
    fun teamProgressNumbersAreWhatWasRecorded() = runBlocking {
        Setup("Tiến Độ").use { s ->
            val (h1, p1) = s.c.household("Số 1", "Đinh Văn Một", "Đinh Thị Hai")
            val (h2, p2) = s.c.household("Số 2", "Đinh Văn Ba")
            s.c.household("Số 3", "Đinh Văn Bốn")
            s.enrolLeader()
            s.volunteerPhone().use { phone ->
                phone.recordVisit(s.c.visit(h1, p1, listOf("online_payment")))
                phone.recordVisit(s.c.visit(h2, p2, listOf("public_services")))
                phone.recordSelfReport(vn.tungnha.core.SelfReportInput(p1[0], ALL_SKILLS, vn.tungnha.core.Channel.VOLUNTEER, hoursAgo(1)))
                assertEquals(3u, phone.sync(LeaderServer.url, null, null, null).progress.opsAcked)
            }
            s.leader.recordVisit(Commune.visitFor(s.c.teamId, s.c.leaderId, h2, p2, listOf("online_safety")))
            s.leader.sync(LeaderServer.url, null, null, null)

            val vm = TeamProgressViewModel(s.leader, this, Dispatchers.IO)
            vm.load().join()
            val p = assertNotNull(vm.state.value.progress, "${vm.state.value.error}")
            assertEquals(s.c.teamId, p.teamId)
            assertEquals(s.leader.figures(FigureScope.Team(s.c.teamId), null), p.figures, "the reports' figures")
            assertEquals(3u, p.figures.households)
            assertEquals(3u, p.figures.visits)
            assertEquals(2u, p.figures.householdsVisited)
            assertEquals(3u, p.figures.peopleGuided)
            assertEquals(1u, p.householdsGoalReached)
            assertNull(p.campaignId)
            val vol = p.members.single { it.memberId == s.c.volunteerId }
            val lead = p.members.single { it.memberId == s.c.leaderId }
            assertEquals(listOf(2u, 3u, 2u, 1u), listOf(vol.visits, vol.peopleGuided, vol.householdsVisited, vol.householdsGoalReached))
            assertEquals(listOf(1u, 1u, 1u, 0u), listOf(lead.visits, lead.peopleGuided, lead.householdsVisited, lead.householdsGoalReached))
            assertNotNull(vol.lastActivityAt)
            assertTrue(lead.canVerify)
        }
    }
}
