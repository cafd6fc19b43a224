package vn.tungnha.presentation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.junit.Test
import vn.tungnha.core.Channel
import vn.tungnha.core.ConflictChoice
import vn.tungnha.core.Database
import vn.tungnha.core.ErrorCode
import vn.tungnha.core.HouseholdFilter
import vn.tungnha.core.Language
import vn.tungnha.core.RefusedAction
import vn.tungnha.core.RejectCode
import vn.tungnha.core.Role
import vn.tungnha.core.SelfReportInput
import vn.tungnha.core.SkillLevel
import vn.tungnha.core.SkillSource
import vn.tungnha.core.VerificationForm
import vn.tungnha.core.VisitPlace
import vn.tungnha.core.consentPurpose
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** The read-side screens (home, household detail, sync status, settings) over the real core. */
class ScreensTest {
    @Test
    fun homeFiltersByStatusAndVillageAndSearchesWithCounts() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db, villageName = "Bản Mòng")
            val (h1, p1) = c.household("Số 1", "Đặng Văn Hùng", "Đặng Thị Hoa")
            c.household("Số 2", "Nguyễn Thị Mai")
            val (h3, _) = c.household("Số 3", "Đặng Thị Lụa")
            db.recordVisit(c.visit(h1, p1, listOf("online_payment")))

            val vm = HomeViewModel(db, this, Dispatchers.IO)
            vm.load(c.teamId, c.volunteerId).join()
            val home = assertNotNull(vm.state.value.screen)
            assertEquals(listOf("Số 1", "Số 2", "Số 3"), home.households.map { it.address }, "assignment order")
            assertEquals(3u, home.counts.all)
            assertEquals(2u, home.counts.notVisited)
            assertEquals(1u, home.counts.visited)
            assertEquals(0u, home.counts.goalReached)
            assertEquals(1u, home.today.visitsToday)
            assertEquals(listOf("Bản Mòng" to 3u), home.villages.map { it.name to it.households })
            assertTrue(home.unsent > 0u, "nothing synced yet")
            assertNull(home.lastSyncAt)

            vm.setFilter(HouseholdFilter.NOT_VISITED).join()
            assertEquals(listOf("Số 2", "Số 3"), vm.state.value.screen!!.households.map { it.address })
            assertEquals(2u, vm.state.value.screen!!.villages.single().households, "village chip counts with the status chosen")

            vm.setSearch("dang").join()
            val found = vm.state.value.screen!!
            assertEquals(listOf(h3), found.households.map { it.id }, "search within the filter")
            assertEquals(2u, found.counts.all, "chips count within the search")
            assertEquals(1u, found.counts.visited)

            vm.setFilter(HouseholdFilter.ALL).join()
            assertEquals(setOf(h1, h3), vm.state.value.screen!!.households.map { it.id }.toSet())
            vm.setVillage(db.addVillage(COMMUNE, "Bản Khác")).join()
            assertEquals(0u, vm.state.value.screen!!.total, "another village has none of these")
            vm.setVillage(null).join()
            vm.setSearch("").join()
            assertEquals(3u, vm.state.value.screen!!.total)
            assertNull(vm.state.value.error)
        }
    }

    @Test
    fun detailLadderMovesFromGuidedToSelfReportedToVerified() = runBlocking {
        openTempDatabase().use { db ->
            val c = Commune(db)
            val (h, p) = c.household("Số 5", "Lò Văn Pằng", "Lò Thị Xuân")
            val skill = "online_payment"
            val vm = HouseholdDetailViewModel(db, this, Dispatchers.IO)
            fun step() = vm.state.value.screen!!.members.first { it.person.id == p[1] }.ladder.first { it.skill == skill }

            vm.load(h).join()
            assertEquals(5, vm.state.value.screen!!.members.first().ladder.size)
            assertEquals(SkillLevel.NOT_STARTED, step().level)
            assertNull(step().source)
            assertTrue(step().nameVi.isNotBlank() && step().nameEn.isNotBlank(), "names from the core's catalog")

            val visit = db.recordVisit(c.visit(h, listOf(p[1]), listOf(skill))).id
            vm.refresh().join()
            assertEquals(SkillLevel.GUIDED, step().level)
            val byVisit = assertIs<SkillSource.Visit>(step().source)
            assertEquals(visit, byVisit.visitId)
            assertEquals("Quàng Thị Hoa", byVisit.volunteerName)
            assertNotNull(step().since)

            db.recordSelfReport(SelfReportInput(p[1], listOf(skill), Channel.APP, hoursAgo(2)))
            vm.refresh().join()
            assertEquals(SkillLevel.SELF_REPORTED, step().level)
            assertEquals(Channel.APP, assertIs<SkillSource.SelfReport>(step().source).channel)

            VerificationForm(p[1], c.leaderId).use { form ->
                form.toggle(skill)
                form.save(db)
            }
            vm.refresh().join()
            assertEquals(SkillLevel.VERIFIED, step().level)
            assertEquals("Lò Văn Thắng", assertIs<SkillSource.Verification>(step().source).leaderName)

            val history = vm.state.value.screen!!.visits.single()
            assertEquals(VisitPlace.Household(h), history.place)
            assertEquals(listOf("Lò Thị Xuân"), history.attendees.map { it.fullName })
            assertEquals("Quàng Thị Hoa", history.recordedByName)
            assertTrue(!history.superseded && !history.groupSession)
        }
    }

    @Test
    fun aRefusedRecordIsShownWithItsReasonAndFixed() = runBlocking {
        val official = openTempDatabase("tungnha-official")
        official.enrol(TestServer.url, TestServer.communeOfficialCode(COMMUNE, "Lường Thị Sửa"), "Máy xã")
        val c = Commune(official, villageName = "Bản Sửa")
        val (h, p) = c.household("Số 4, bản Sửa", "Tòng Văn Sơn", "Tòng Thị Sen")
        official.sync(TestServer.url, null, null, null)

        openTempDatabase("tungnha-volunteer").use { phone ->
            phone.enrol(TestServer.url, TestServer.memberCode("volunteer", c.teamId, c.volunteerId, "Quàng Thị Hoa"), "Điện thoại của Hoa")
            val sync = SyncViewModel(phone, TestServer.url, this, Dispatchers.IO)
            sync.sync().join()
            // Offline, the volunteer makes up a topic of her own and uses it in a visit. Only the
            // commune publishes topics: the server refuses the topic, and the visit that names it.
            val topic = phone.addLocalTopic("tap-huan-zalo", "Tập huấn Zalo", "Zalo training")
            assertEquals(listOf("Tập huấn Zalo" to "Zalo training"), phone.localTopics().filter { it.code == topic }.map { it.nameVi to it.nameEn }, "the form can name it")
            val visit = Commune.visitFor(c.teamId, c.volunteerId, h, p, listOf("digital_platforms"), topics = listOf("vneid", topic))
            phone.recordVisit(visit)
            sync.sync().join()
            assertEquals(SyncViewModel.Status.Refused(2u), sync.state.value.status)

            val home = HomeViewModel(phone, this, Dispatchers.IO)
            home.load(c.teamId, c.volunteerId).join()
            assertEquals(2u, home.state.value.screen!!.refused)

            val vm = SyncStatusViewModel(phone, this, Dispatchers.IO)
            vm.refresh().join()
            val status = vm.state.value.status!!
            assertEquals(0uL, status.pending)
            assertEquals(status.conflicts.toInt(), status.conflictItems.size, "the listed conflicts are the counted ones")
            assertNotNull(status.lastSyncAt)
            val refusedVisit = status.refused.single { it.entity == "visit" }
            assertEquals("Số 4, bản Sửa", refusedVisit.title, "what it was, in its own words")
            assertEquals(RejectCode.INVALID, refusedVisit.code)
            assertTrue(refusedVisit.reasonVi.isNotBlank() && refusedVisit.reasonEn.isNotBlank())
            assertTrue(refusedVisit.problems.any { it.code == "unknown_topic" }, "the server's problem: ${refusedVisit.problems}")
            assertEquals(listOf(RefusedAction.FIX, RefusedAction.DISCARD), refusedVisit.actions)
            val refusedTopic = status.refused.single { it.entity == "local_topic" }
            assertEquals(RejectCode.OUT_OF_SCOPE, refusedTopic.code)
            assertEquals(listOf(RefusedAction.DISCARD), refusedTopic.actions, "nothing on the phone can fix a role")
            println("refused visit: ${refusedVisit.reasonVi} ${refusedVisit.problems.map { it.messageVi }}")

            // Fix: the visit form, prefilled with what was refused; untick the topic; save.
            vm.fix(refusedVisit.opId).join()
            val fixing = assertNotNull(vm.state.value.fixing)
            assertEquals(setOf("vneid", topic), fixing.form.draft().topics.toSet())
            assertEquals(p.toSet(), fixing.form.draft().attendees.map { it.personId }.toSet())
            assertTrue(fixing.serverProblems.keys.any { it.startsWith("topics") }, "${fixing.serverProblems.keys}")
            vm.edit { it.toggleTopic(topic) }.join()
            assertEquals(true, vm.state.value.fixing?.formState?.canSave)
            vm.cancelFix()
            assertNull(vm.state.value.fixing)

            // The app's fix screen: the same prefilled form in the visit form's view-model (people
            // named, as on any visit), kept across process death with the change it fixes.
            val form = RecordVisitViewModel(phone, this, Dispatchers.IO)
            form.openRefusedFix(refusedVisit.opId).join()
            assertEquals(refusedVisit.opId, form.state.value.fixingRefused)
            assertEquals(setOf("vneid", topic), form.state.value.topics)
            val present = form.state.value.people.filter { it.present }
            assertEquals(p.toSet(), present.map { it.personId }.toSet())
            assertEquals(setOf("Tòng Văn Sơn", "Tòng Thị Sen"), present.map { it.name }.toSet())
            val kept = assertNotNull(form.draftJson())
            val restored = RecordVisitViewModel(phone, this, Dispatchers.IO)
            restored.restore(kept, refusedVisit.opId).join()
            assertEquals(refusedVisit.opId, restored.state.value.fixingRefused)
            assertEquals("Số 4, bản Sửa", restored.state.value.placeLabel.substringBefore(", Bản"))
            restored.toggleTopic(topic).join()
            assertEquals(true, restored.state.value.canSave, "${restored.state.value.form?.problems}")
            restored.save().join()
            val savedId = assertNotNull(restored.state.value.savedVisitId, "${restored.state.value.error}")
            vm.refresh().join()
            assertTrue(vm.state.value.status!!.refused.none { it.opId == refusedVisit.opId }, "the fix replaced the refused change")
            vm.discard(refusedTopic.opId).join()
            assertTrue(vm.state.value.status!!.refused.isEmpty())
            assertEquals(1uL, vm.state.value.status!!.pending, "the fixed visit waits for sync")

            sync.sync().join()
            assertNull(sync.state.value.error)
            assertEquals(0u, sync.state.value.refused)
            assertEquals(0uL, sync.state.value.pending)
            assertEquals(SyncViewModel.Status.Synced, sync.state.value.status)
            vm.refresh().join()
            assertTrue(vm.state.value.status!!.refused.isEmpty())

            // The server has the fixed visit: the official's phone pulls it.
            official.sync(TestServer.url, null, null, null)
            val atOffice = official.householdScreen(h).visits.single()
            assertEquals(savedId, atOffice.visitId)
            assertEquals(listOf("vneid"), atOffice.topics)
            assertEquals(SkillLevel.GUIDED, official.householdScreen(h).members.first().ladder.first { it.skill == "digital_platforms" }.level)
        }
        official.close()
    }

    @Test
    fun settingsRoundTripAndRefuseAnOutOfRangeTextSize() = runBlocking {
        val dir = tempDir("tungnha-settings")
        val path = dir.resolve("device.db").toString()
        Database.open(path).use { db ->
            val before = SettingsViewModel(db, this, Dispatchers.IO)
            before.load().join()
            val screen = before.state.value.screen!!
            assertEquals(Language.VI, screen.settings.language, "Vietnamese first")
            assertEquals(1.0f, screen.settings.textScale)
            assertNull(screen.serverUrl)
            assertEquals(consentPurpose().textVi, screen.privacy.textVi)

            db.enrol(TestServer.url, TestServer.communeOfficialCode(COMMUNE, "Mai Văn Cài Đặt"), "Máy xã")
            val vm = SettingsViewModel(db, this, Dispatchers.IO)
            vm.load().join()
            assertEquals(TestServer.url, vm.state.value.screen!!.serverUrl)
            assertEquals(Role.COMMUNE_OFFICIAL, vm.state.value.screen!!.role)
            vm.setLanguage(Language.EN).join()
            vm.setTextScale(1.5f).join()
            assertEquals(Language.EN, vm.state.value.screen!!.settings.language)

            vm.setTextScale(3.0f).join()
            val error = assertNotNull(vm.state.value.error)
            assertEquals(ErrorCode.INVALID, error.code)
            assertTrue(error.fieldMessages["text_scale"].orEmpty().isNotEmpty(), "${error.fieldMessages}")
            assertEquals(1.5f, vm.state.value.screen!!.settings.textScale, "a refused size changes nothing")
        }
        Database.open(path).use { db ->
            val again = SettingsViewModel(db, this, Dispatchers.IO)
            again.load().join()
            assertEquals(Language.EN, again.state.value.screen!!.settings.language)
            assertEquals(1.5f, again.state.value.screen!!.settings.textScale)
            assertEquals(TestServer.url, again.state.value.screen!!.serverUrl)
        }
    }

    @Test
    fun householdsAreEditedLaterAndALeaderSettlesAConflictByChoosingTheOtherValue() = runBlocking {
        val official = openTempDatabase("tungnha-official")
        // A commune of its own: the conflict it makes is not another test's business.
        val commune = "2025:c:03670"
        official.enrol(TestServer.url, TestServer.communeOfficialCode(commune, "Lường Văn Xử"), "Máy xã")
        val c = Commune(official, communeKey = commune, villageName = "Bản Xử")
        val (h, people) = c.household("Số 9, bản Xử", "Lò Văn Pánh", "Lò Thị Em")
        official.sync(TestServer.url, null, null, null)

        openTempDatabase("tungnha-leader").use { leader ->
            openTempDatabase("tungnha-volunteer").use { volunteer ->
                leader.enrol(TestServer.url, TestServer.memberCode("team_leader", c.teamId, c.leaderId, "Lò Văn Thắng"), "Máy tổ trưởng")
                volunteer.enrol(TestServer.url, TestServer.memberCode("volunteer", c.teamId, c.volunteerId, "Quàng Thị Hoa"), "Máy của Hoa")
                leader.sync(TestServer.url, null, null, null)
                volunteer.sync(TestServer.url, null, null, null)

                // Offline, both correct the head's name through the household's edit form, differently.
                suspend fun rename(db: Database, name: String) {
                    val vm = RegisterHouseholdViewModel(db, this, Dispatchers.IO)
                    vm.openEdit(h).join()
                    val draft = assertNotNull(vm.state.value.draft)
                    assertEquals(h, draft.householdId)
                    assertEquals(people[0], draft.members[0].personId, "the head first, as stored")
                    vm.setMemberName(0, name).join()
                    vm.save().join()
                    assertEquals(h, vm.state.value.savedHouseholdId, "${vm.state.value.error}")
                }
                rename(volunteer, "Lò Văn Panh")
                rename(leader, "Lò Văn Pảnh")
                assertEquals(1uL, volunteer.pendingCount(), "only the changed name is sent")
                volunteer.sync(TestServer.url, null, null, null)
                leader.sync(TestServer.url, null, null, null)
                volunteer.sync(TestServer.url, null, null, null)

                val vm = SyncStatusViewModel(leader, this, Dispatchers.IO)
                vm.refresh().join()
                val k = vm.state.value.status!!.conflictItems.single()
                assertEquals("full_name", k.field)
                assertEquals(setOf("Lò Văn Panh", "Lò Văn Pảnh"), setOf(k.kept, k.other))
                val head = { db: Database -> db.householdDetail(h).members.first { it.person.id == people[0] }.person.fullName }
                assertEquals(k.kept, head(leader), "the record holds the kept value")
                assertEquals(k.kept, k.title, "whose record: the person, by the name kept")

                // The leader checks with the family and takes the other spelling.
                vm.settle(k.id, ConflictChoice.OTHER).join()
                assertNull(vm.state.value.error)
                assertEquals(k.other, head(leader))
                assertTrue(vm.state.value.status!!.conflictItems.isEmpty())
                assertEquals(0u, vm.state.value.status!!.conflicts)
                leader.sync(TestServer.url, null, null, null)
                volunteer.sync(TestServer.url, null, null, null)
                official.sync(TestServer.url, null, null, null)
                assertEquals(k.other, head(volunteer), "every phone has the chosen name")
                assertEquals(k.other, head(official))
                assertTrue(official.conflicts().all { it.resolved })
            }
        }
        official.close()
    }
}
