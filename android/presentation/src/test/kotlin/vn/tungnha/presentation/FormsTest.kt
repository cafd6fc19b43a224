package vn.tungnha.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.junit.Test
import vn.tungnha.core.Channel
import vn.tungnha.core.ErrorAction
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.MatchRank
import vn.tungnha.core.Relation
import vn.tungnha.core.Role
import vn.tungnha.core.SkillLevel
import vn.tungnha.core.VisitPlace
import vn.tungnha.core.consentPurpose
import java.time.Instant
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * The editing screens' view-models over the core's forms (real bindings, a real SQLite file;
 * the leader's verification also syncs with a real `tungnha serve`): problems per field
 * while the person types, what is saved when they save.
 */
class FormsTest {
    @Test
    fun registerAHouseholdWithMembersAndConsent() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val vm = RegisterHouseholdViewModel(db, this, Dispatchers.IO)
            vm.start(c.villageId).join()
            val empty = vm.state.value
            assertFalse(empty.canSave)
            assertEquals(listOf("required"), empty.problems.getValue("address").map { it.code })
            assertEquals(listOf("required"), empty.problems.getValue("members[0].full_name").map { it.code })
            assertEquals("consent_missing", empty.problems.getValue("consent").single().code)
            assertTrue(empty.messages("consent").single().isNotBlank(), "the core's message beside the consent")
            assertTrue(consentPurpose().textVi.contains("định danh"), "the notice read to the household is the core's")

            vm.setAddress("Số 7, tổ 2")
            vm.setMemberName(0, "Lò Văn Pánh")
            vm.setMemberBirthYear(0, "1968")
            vm.setPhone("0912 345 678")
            vm.addMember(Relation.CHILD)
            vm.setMemberName(1, "Lò Thị Xuân")
            vm.setMemberBirthYear(1, "năm 2001")
            vm.setMemberPhone(1, "12345").join()
            val typed = vm.state.value
            assertNull(typed.problems["address"], "fixed as typed")
            assertEquals(listOf("birth_year_out_of_range"), typed.problems.getValue("members[1].birth_year").map { it.code })
            assertTrue(typed.problems.getValue("members[1].phone").all { it.code.startsWith("phone_") })
            assertContains(typed.messages("members[1].birth_year").single(), "Năm sinh")
            assertFalse(typed.canSave)

            vm.setMemberBirthYear(1, "2001")
            vm.setMemberPhone(1, "0987654321")
            vm.recordConsent().join()
            val ready = vm.state.value
            assertTrue(ready.form!!.problems.none { it.severity == vn.tungnha.core.Severity.ERROR }, "${ready.form}")
            assertTrue(ready.canSave)
            assertEquals("Lò Văn Pánh", ready.draft!!.consentGivenBy, "who agreed defaults to the head")

            // The app is stopped; the draft comes back from what it kept.
            val kept = assertNotNull(vm.draftJson())
            val again = RegisterHouseholdViewModel(db, this, Dispatchers.IO)
            again.restore(kept).join()
            assertEquals(ready.draft, again.state.value.draft)
            assertTrue(again.state.value.canSave)

            val pending = db.pendingCount()
            again.save(c.volunteerId).join()
            val id = assertNotNull(again.state.value.savedHouseholdId, "${again.state.value.error}")
            assertFalse(again.state.value.canSave, "saved once")
            assertTrue(db.pendingCount() > pending)
            val detail = db.householdDetail(id)
            assertEquals("0912345678", detail.household.phone)
            assertEquals(listOf("Lò Văn Pánh", "Lò Thị Xuân"), detail.members.map { it.person.fullName })
            assertEquals(listOf(1968, 2001), detail.members.map { it.person.birthYear })
            assertTrue(detail.members.all { it.person.consent.givenBy == "Lò Văn Pánh" && it.person.consent.recordedBy == c.volunteerId })
            assertContains(detail.members[0].person.consent.purpose, "phiên bản", message = "the notice's version is kept with the consent")
        }
    }

    @Test
    fun aSimilarHouseholdIsAWarningNotABlock() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (existing, _) = c.household("Số 12, tổ 3", "Đặng Văn Hùng")
            c.household("Số 14, tổ 3", "Đặng Văn Hải")
            val vm = RegisterHouseholdViewModel(db, this, Dispatchers.IO)
            vm.start(c.villageId).join()
            vm.setMemberName(0, "Dang Van Hung").join()
            assertEquals(listOf(existing), vm.state.value.similar.map { it.householdId }, "the same name, without accents")
            assertEquals(MatchRank.WHOLE_NAME, vm.state.value.similar.single().rank)

            vm.setMemberName(0, "Đặng Thị Lụa")
            vm.setAddress("Số 12, tổ 3").join()
            assertEquals(listOf(existing), vm.state.value.similar.map { it.householdId }, "the same address")

            vm.setAddress("Số 30, tổ 3")
            vm.recordConsent().join()
            assertTrue(vm.state.value.similar.isEmpty())
            vm.setAddress("Số 12, tổ 3").join()
            assertTrue(vm.state.value.canSave, "a warning never blocks")
            vm.save().join()
            assertNotNull(vm.state.value.savedHouseholdId)
            assertEquals(3, db.assignmentHouseholds(c.teamId, null).size)
        }
    }

    @Test
    fun recordAHouseholdVisitAndAGroupSessionAcrossHouseholds() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h1, p1) = c.household("Số 1", "Cầm Văn Sơn", "Cầm Thị Lan")
            val (h2, p2) = c.household("Số 2", "Lường Thị Vân")

            val home = RecordVisitViewModel(db, this, Dispatchers.IO)
            home.openAtHousehold(h1, c.teamId, c.volunteerId).join()
            assertEquals("Số 1, Bản Mòng", home.state.value.placeLabel)
            assertEquals(listOf("Cầm Văn Sơn", "Cầm Thị Lan"), home.state.value.people.map { it.name })
            assertFalse(home.state.value.canSave)
            assertEquals(setOf(RecordVisitViewModel.Field.ATTENDEES, RecordVisitViewModel.Field.TOPICS), home.state.value.fieldErrors.keys)

            home.toggleSkill(p1[1], "online_payment") // ticking a skill marks the person present
            home.toggleAction(p1[1], "vneid_activated")
            home.toggleTopic("cashless_payment").join()
            assertTrue(home.state.value.people.single { it.personId == p1[1] }.present)
            assertTrue(home.state.value.fieldErrors.isEmpty())
            assertTrue(home.state.value.canSave)
            home.setOccurredAt(Instant.now().plusSeconds(3 * 86_400)).join()
            assertTrue(home.state.value.fieldErrors.getValue(RecordVisitViewModel.Field.WHEN).single().contains("tương lai"))
            home.setOccurredAt(hoursAgo(1))
            // An optional rough position: one outside Vietnam is refused beside its field, one inside kept coarse.
            home.setLocation(vn.tungnha.core.Location(48.8566, 2.3522)).join()
            assertFalse(home.state.value.canSave)
            assertTrue(RecordVisitViewModel.Field.LOCATION in home.state.value.fieldErrors)
            home.setLocation(vn.tungnha.core.Location(21.0285123, 105.8542456)).join()
            assertTrue(home.state.value.canSave)
            home.setNotes("Chuyển khoản bằng mã QR").join()
            home.save().join()
            val saved = assertNotNull(home.state.value.savedVisitId, "${home.state.value.error}")
            val v = db.visit(saved)
            assertEquals(vn.tungnha.core.Location(21.03, 105.85), v.location, "kept to about a kilometre")
            assertEquals(VisitPlace.Household(h1), v.place)
            assertEquals(listOf(p1[1]), v.attendees.map { it.personId })
            assertEquals(listOf("vneid_activated"), v.attendees.single().actions)
            assertTrue(db.householdDetail(h1).members.single { it.person.id == p1[1] }.person.vneidActivated)

            // A session at the cultural house: people from two households, found by search.
            val group = RecordVisitViewModel(db, this, Dispatchers.IO)
            group.openGroupSession("Nhà văn hoá bản Mòng", c.teamId, c.volunteerId).join()
            assertEquals("Nhà văn hoá bản Mòng", group.state.value.placeLabel)
            group.addPeople(db.search("cam van son", null, 10u) + db.search("luong thi van", null, 10u)).join()
            assertEquals(listOf("Cầm Văn Sơn", "Lường Thị Vân"), group.state.value.people.map { it.name })
            group.toggleSkill(p1[0], "public_services")
            group.toggleSkill(p2[0], "public_services")
            group.toggleTopic("online_public_services").join()
            assertTrue(group.state.value.canSave, "${group.state.value.form}")
            group.save().join()
            val session = db.visit(assertNotNull(group.state.value.savedVisitId))
            assertEquals(VisitPlace.Group("Nhà văn hoá bản Mòng"), session.place)
            assertEquals(setOf(h1, h2), session.attendees.mapNotNull { it.householdId }.toSet())
            val figures = db.figures(vn.tungnha.core.FigureScope.Team(c.teamId), null)
            assertEquals(1u to 1u, figures.householdVisits to figures.groupSessions)
            assertEquals(2u, figures.householdsVisited)
        }
    }

    @Test
    fun correctAVisit() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h, people) = c.household("Số 5", "Tòng Văn Ninh", "Tòng Thị Ỏn")
            val wrong = db.recordVisit(c.visit(h, listOf(people[0]), listOf("online_shopping"))).id

            val vm = RecordVisitViewModel(db, this, Dispatchers.IO)
            vm.openCorrection(wrong).join()
            val s = vm.state.value
            assertEquals(wrong, s.correcting)
            assertEquals(setOf(people[0]), s.people.filter { it.present }.map { it.personId }.toSet(), "the old content, to edit")
            assertEquals(setOf("online_shopping"), s.people.single { it.personId == people[0] }.skills)
            assertFalse(s.canSave, "a correction needs its reason")
            vm.setCorrectionReason("Ghi nhầm người: là vợ ông Ninh").join()
            assertTrue(vm.state.value.canSave)

            // It was her, and it was online payment.
            vm.togglePresent(people[0])
            vm.toggleSkill(people[1], "online_payment").join()
            vm.save().join()
            val fixed = assertNotNull(vm.state.value.savedVisitId, "${vm.state.value.error}")
            val visits = db.householdDetail(h).visits.associateBy { it.id }
            assertEquals(fixed, visits.getValue(wrong).supersededBy)
            assertEquals(wrong, visits.getValue(fixed).supersedes)
            assertEquals(1u, db.figures(vn.tungnha.core.FigureScope.Team(c.teamId), null).visits, "the corrected visit no longer counts")

            // A visit is corrected once; a second correction of the old one is refused, per field.
            val again = RecordVisitViewModel(db, this, Dispatchers.IO)
            again.openCorrection(wrong).join()
            assertFalse(again.state.value.canSave)
            again.save().join()
            assertEquals(ErrorAction.FIX_FIELDS, again.state.value.error?.action)
            assertNull(again.state.value.savedVisitId)
        }
    }

    @Test
    fun aHouseholdSelfReport() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h, people) = c.household("Số 4", "Tòng Thị Phới", "Tòng Văn Ái")
            val vm = SelfReportViewModel(db, this, Channel.APP, Dispatchers.IO)
            assertEquals(ALL_SKILLS, vm.skillChoices.map { it.code })
            assertTrue(vm.skillChoices.all { it.plainVi.isNotBlank() }, "each skill in plain words")
            assertTrue(vm.learnMore.url.startsWith("https://"))
            vm.open(h).join()
            assertEquals(listOf("Tòng Thị Phới", "Tòng Văn Ái"), vm.state.value.people.map { it.fullName })
            assertFalse(vm.state.value.canSave, "nothing ticked yet")
            assertTrue(vm.state.value.problems.containsKey("people"))

            ALL_SKILLS.reversed().forEach { vm.toggle(people[0], it) }
            vm.toggle(people[1], "online_safety")
            vm.toggle(people[1], "online_shopping")
            vm.toggle(people[1], "online_shopping").join()
            assertEquals(ALL_SKILLS, vm.state.value.people[0].skills, "kept in catalog order")
            assertEquals(listOf("online_safety"), vm.state.value.people[1].skills)
            assertTrue(vm.state.value.canSave)

            val again = SelfReportViewModel(db, this, Channel.APP, Dispatchers.IO)
            again.restore(assertNotNull(vm.draftJson())).join()
            assertEquals(vm.state.value.people, again.state.value.people)
            again.save().join()
            assertEquals(2, again.state.value.savedIds.size, "one report per person, in one save")
            val detail = db.householdDetail(h)
            assertTrue(detail.members[0].mastersAll)
            assertEquals(SkillLevel.SELF_REPORTED, detail.members[1].skills.single { it.skill == "online_safety" }.level)
            assertEquals(setOf(Channel.APP), detail.selfReports.map { it.channel }.toSet())

            val nobody = SelfReportViewModel(db, this, Channel.APP, Dispatchers.IO)
            nobody.open("not-an-id").join()
            assertEquals(ErrorCode.NOT_FOUND, nobody.state.value.error?.code)
        }
    }

    @Test
    fun aLeaderVerifiesTwoSkillsAndCorrectsOne() = runBlocking {
        openTempDatabase("tungnha-office").use { office ->
            office.enrol(TestServer.url, TestServer.communeOfficialCode(COMMUNE, "Điêu Thị Kiểm"), "Máy xã")
            val c = Commune(office, villageName = "Bản Kiểm")
            val (h, people) = c.household("Số 9", "Quàng Văn Mến", "Quàng Thị Dung")
            office.sync(TestServer.url, null, null, null)

            openTempDatabase("tungnha-leader").use { phone ->
                val e = phone.enrol(TestServer.url, TestServer.memberCode("team_leader", c.teamId, c.leaderId, "Lò Văn Thắng"), "Máy tổ trưởng")
                assertEquals(Role.TEAM_LEADER, e.role)
                phone.sync(TestServer.url, null, null, null)

                val vm = VerifyViewModel(phone, this, Dispatchers.IO)
                vm.open(h, people[1], c.leaderId).join()
                assertEquals("Quàng Thị Dung", vm.state.value.member?.person?.fullName)
                assertFalse(vm.state.value.canVerify)
                assertEquals("required", vm.state.value.problems.getValue("skills").single().code)
                vm.toggle("online_payment")
                vm.toggle("online_safety").join()
                assertTrue(vm.state.value.canVerify)
                vm.verify().join()
                assertEquals(2, vm.state.value.verified.size, "${vm.state.value.error}")
                val levels = vm.state.value.member!!.skills.associate { it.skill to it.level }
                assertEquals(SkillLevel.VERIFIED, levels["online_payment"])
                assertEquals(SkillLevel.VERIFIED, levels["online_safety"])
                assertTrue(vm.state.value.ticked.isEmpty(), "the form starts again")

                // Online safety was a mistake: back to guided, with the reason.
                vm.startCorrection("online_safety", SkillLevel.GUIDED).join()
                assertFalse(vm.state.value.canCorrect)
                assertEquals("required", vm.state.value.correctionProblems.getValue("reason").single().code)
                vm.setReason("Nhầm người khi ghi nhận").join()
                assertTrue(vm.state.value.canCorrect)
                vm.saveCorrection().join()
                assertNotNull(vm.state.value.correctedId, "${vm.state.value.error}")
                assertEquals(SkillLevel.GUIDED, vm.state.value.member!!.skills.single { it.skill == "online_safety" }.level)

                val sent = phone.sync(TestServer.url, null, null, null)
                assertEquals(3u, sent.progress.opsAcked, "two verifications and a correction, each audited")
                assertEquals(0u, sent.progress.opsRejected)
            }
            office.sync(TestServer.url, null, null, null)
            val dung = office.householdDetail(h).members.single { it.person.id == people[1] }.skills.associate { it.skill to it.level }
            assertEquals(SkillLevel.VERIFIED, dung["online_payment"])
            assertEquals(SkillLevel.GUIDED, dung["online_safety"])
        }
    }

    @Test
    fun searchPagesThroughTheCommune() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            repeat(120) { c.household("Số ${it + 1}, tổ ${it % 9 + 1}", "Nguyễn Văn Thứ ${it + 1}") }
            c.household("Số 500", "Nguyễn Zũng")
            val vm = SearchViewModel(db, this, Dispatchers.IO, pageSize = 50u)
            vm.search("nguyen").join()
            assertEquals(121u, vm.state.value.total)
            assertEquals(50, vm.state.value.hits.size)
            assertEquals(50u, vm.state.value.nextOffset)
            vm.loadMore().join()
            assertEquals(100, vm.state.value.hits.size)
            vm.loadMore().join()
            assertEquals(121, vm.state.value.hits.size)
            assertFalse(vm.state.value.hasMore)
            assertEquals(121, vm.state.value.hits.map { it.householdId }.toSet().size, "no household twice across pages")
            vm.loadMore().join()
            assertEquals(121, vm.state.value.hits.size, "nothing after the last page")

            vm.search("nguyen zung").join()
            val best = vm.state.value.hits.first()
            assertEquals("Nguyễn Zũng", best.personName)
            assertEquals(MatchRank.WHOLE_NAME, best.rank)
            vm.search("thu 11", c.villageId).join()
            assertTrue(vm.state.value.hits.isNotEmpty())
            assertTrue(vm.state.value.hits.zipWithNext().all { (a, b) -> a.rank <= b.rank }, "best first")
        }
    }
}
