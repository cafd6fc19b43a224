package vn.tungnha.app

import android.app.Application
import android.os.Bundle
import androidx.core.os.bundleOf
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.SavedStateHandle
import androidx.lifecycle.viewModelScope
import androidx.navigation.toRoute
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import vn.tungnha.app.nav.Routes
import vn.tungnha.core.Channel
import vn.tungnha.core.Database
import vn.tungnha.core.FigureScope
import vn.tungnha.core.SearchHit
import vn.tungnha.core.TungNhaException
import vn.tungnha.core.Village
import vn.tungnha.core.HouseholdSummary
import vn.tungnha.core.Language
import vn.tungnha.core.Problem
import vn.tungnha.core.TeamMember
import vn.tungnha.presentation.CitizenHomeViewModel
import vn.tungnha.presentation.EnrolViewModel
import vn.tungnha.presentation.FiguresViewModel
import vn.tungnha.presentation.HomeViewModel
import vn.tungnha.presentation.HouseholdDetailViewModel
import vn.tungnha.presentation.HouseholdListViewModel
import vn.tungnha.presentation.IssueCodeViewModel
import vn.tungnha.presentation.Outcome
import vn.tungnha.presentation.RecordVisitViewModel
import vn.tungnha.presentation.RegisterHouseholdViewModel
import vn.tungnha.presentation.SearchViewModel
import vn.tungnha.presentation.SelfReportViewModel
import vn.tungnha.presentation.SettingsViewModel
import vn.tungnha.presentation.SyncStatusViewModel
import vn.tungnha.presentation.SyncViewModel
import vn.tungnha.presentation.TeamProgressViewModel
import vn.tungnha.presentation.VerifyViewModel
import vn.tungnha.presentation.call

/*
 * One androidx ViewModel per screen. Each owns the plain-Kotlin view-model of :presentation
 * (tested on the JVM) with viewModelScope, reads its route's arguments from the
 * SavedStateHandle, and, where a draft must survive process death, keeps the core form's
 * JSON there. No logic of their own: the rules are the core's, the state the presentation's.
 * Navigation Compose creates them per back-stack entry with the default factory, which
 * passes (Application, SavedStateHandle).
 */

private val Application.tn get() = this as TungNhaApplication
private val Application.db: Database get() = tn.database

/** Keeps a form's JSON in [handle] under [key] whenever Android saves state; returns what was kept. */
private fun keepDraft(handle: SavedStateHandle, key: String, json: () -> String?): String? {
    val kept = handle.get<Bundle>(key)?.getString(key)
    handle.setSavedStateProvider(key) {
        bundleOf(key to try { json() } catch (_: TungNhaException) { null })
    }
    return kept
}

class EnrolScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.Enrol>()
    val enrol = EnrolViewModel(app.db, app.tn.serverUrl, viewModelScope)

    init {
        // An enrolled device goes on to its home; enrolling again waits for the new code.
        if (!route.again) enrol.check()
        // The server a scanned QR code named is the one to sync with from now on.
        viewModelScope.launch {
            enrol.state.collect { s -> s.enrolment?.serverUrl?.let { app.tn.enrolledServer = it } }
        }
    }
}

class HouseholdsScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.Households>()
    val list = HouseholdListViewModel(app.db, viewModelScope)
    val sync = SyncViewModel(app.db, app.tn.serverUrl, viewModelScope)

    init {
        // A leader sees the whole team's assignment; a volunteer their own.
        list.load(route.teamId, if (route.leader) null else route.memberId)
        sync.refreshQueues()
    }

    /** Back from another screen, or after a sync: read the list and the queues again. */
    fun refresh() {
        list.refresh()
        sync.refreshQueues()
    }
}

class SearchScreenModel(app: Application, private val handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.Search>()
    val search = SearchViewModel(app.db, viewModelScope)

    init { handle.get<String>(QUERY)?.takeIf { it.isNotBlank() }?.let { search.search(it) } }

    fun setQuery(query: String) {
        handle[QUERY] = query
        search.search(query)
    }

    private companion object { const val QUERY = "query" }
}

class RegisterHouseholdScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.RegisterHousehold>()
    val form = RegisterHouseholdViewModel(app.db, viewModelScope)

    private val _villages = MutableStateFlow<List<Village>>(emptyList())
    /** The villages this device knows (from sync), for the village picker. */
    val villages: StateFlow<List<Village>> = _villages.asStateFlow()

    init {
        val kept = keepDraft(handle, DRAFT) { form.draftJson() }
        when {
            kept != null -> form.restore(kept)
            route.householdId != null -> form.openEdit(route.householdId)
            else -> form.start(route.villageId)
        }
        viewModelScope.launch {
            val r = call(Dispatchers.IO) { app.db.villages() }
            if (r is Outcome.Ok) _villages.value = r.value
        }
    }

    private companion object { const val DRAFT = "household_draft" }
}

/** A visit at one household; the draft (ticks, a half-typed walk-in) survives process death. */
class RecordVisitScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.RecordVisit>()
    val visit = RecordVisitViewModel(app.db, viewModelScope)

    init {
        val kept = keepDraft(handle, DRAFT) { visit.draftJson() }
        if (kept != null) visit.restore(kept) else visit.openAtHousehold(route.householdId, route.teamId, route.memberId)
    }

    private companion object { const val DRAFT = "visit_draft" }
}

/**
 * A group session: the place first, then attendees found by the form's search across the
 * households in scope, and walk-ins; the draft survives process death.
 */
class GroupSessionScreenModel(app: Application, private val handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.GroupSession>()
    val visit = RecordVisitViewModel(app.db, viewModelScope)

    /** The place once the session started; `null` while the volunteer is still naming it. */
    val place: StateFlow<String?> = handle.getStateFlow(PLACE, null)

    init {
        val kept = keepDraft(handle, DRAFT) { visit.draftJson() }
        when {
            kept != null -> visit.restore(kept)
            else -> place.value?.let { visit.openGroupSession(it, route.teamId, route.memberId) }
        }
    }

    fun start(place: String) {
        handle[PLACE] = place
        visit.openGroupSession(place, route.teamId, route.memberId)
    }

    fun add(hit: SearchHit) {
        visit.addPeople(listOf(hit))
    }

    private companion object {
        const val PLACE = "place"
        const val DRAFT = "group_draft"
    }
}

class CorrectVisitScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.CorrectVisit>()
    val visit = RecordVisitViewModel(app.db, viewModelScope)

    init {
        val kept = keepDraft(handle, DRAFT) { visit.draftJson() }
        if (kept != null) visit.restore(kept) else visit.openCorrection(route.visitId)
    }

    private companion object { const val DRAFT = "correction_draft" }
}

/** A refused visit being fixed in the visit form; saved, it replaces the refused change. */
class FixRefusedScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.FixRefused>()
    val visit = RecordVisitViewModel(app.db, viewModelScope)

    private val _serverProblems = MutableStateFlow<List<Problem>>(emptyList())
    /** What the server found wrong with the refused visit. */
    val serverProblems: StateFlow<List<Problem>> = _serverProblems.asStateFlow()

    init {
        val kept = keepDraft(handle, DRAFT) { visit.draftJson() }
        if (kept != null) visit.restore(kept, route.opId) else visit.openRefusedFix(route.opId)
        viewModelScope.launch {
            val r = call(Dispatchers.IO) { app.db.syncStatus().refused.firstOrNull { it.opId == route.opId }?.problems.orEmpty() }
            if (r is Outcome.Ok) _serverProblems.value = r.value
        }
    }

    private companion object { const val DRAFT = "fix_draft" }
}

/** The volunteer's (or leader's) start: the home's query and answer, and the sync bar. */
class HomeScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.Home>()
    val home = HomeViewModel(app.db, viewModelScope)
    val sync = SyncViewModel(app.db, app.tn.serverUrl, viewModelScope)

    init {
        home.load(route.teamId, route.memberId)
        sync.refreshQueues()
    }

    /** Back from another screen, or after a sync: read the home and the queues again. */
    fun refresh() {
        home.refresh()
        sync.refreshQueues()
    }
}

class HouseholdDetailScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.HouseholdDetail>()
    val detail = HouseholdDetailViewModel(app.db, viewModelScope)
    init { detail.load(route.householdId) }
}

class SyncStatusScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.SyncStatus>()
    val status = SyncStatusViewModel(app.db, viewModelScope)
}

/** Settings; a saved text size goes to the theme, a language to the per-app language. */
class SettingsScreenModel(app: Application) : AndroidViewModel(app) {
    val settings = SettingsViewModel(app.db, viewModelScope)

    /** The app's own server, shown before enrolment. */
    val defaultServerUrl: String = BuildConfig.SERVER_URL

    init {
        settings.load()
        viewModelScope.launch {
            settings.state.collect { s -> s.screen?.settings?.textScale?.let { app.tn.textScale.value = it } }
        }
    }

    fun setLanguage(language: Language) {
        settings.setLanguage(language)
        AppLanguage.set(if (language == Language.EN) AppLanguage.Choice.ENGLISH else AppLanguage.Choice.VIETNAMESE)
    }
}

/** A leader issues a code for a member of the team or a household of its area. */
class IssueCodeScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.IssueCode>()
    val issue = IssueCodeViewModel(app.db, app.tn.serverUrl, viewModelScope)

    private val _members = MutableStateFlow<List<TeamMember>>(emptyList())
    /** The team's members (the leader excluded), to pick from. */
    val members: StateFlow<List<TeamMember>> = _members.asStateFlow()

    private val _households = MutableStateFlow<List<HouseholdSummary>>(emptyList())
    /** The households of the team's assignment, to pick from. */
    val households: StateFlow<List<HouseholdSummary>> = _households.asStateFlow()

    init {
        viewModelScope.launch {
            val r = call(Dispatchers.IO) { app.db.team(route.teamId).members.filter { it.id != route.leaderId } to app.db.assignmentHouseholds(route.teamId, null) }
            if (r is Outcome.Ok) {
                _members.value = r.value.first
                _households.value = r.value.second
            }
        }
    }
}

class TeamProgressScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.TeamProgress>()
    val progress = TeamProgressViewModel(app.db, viewModelScope)
}

class CitizenHomeScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.CitizenHome>()
    val citizen = CitizenHomeViewModel(app.db, viewModelScope)
    init { citizen.open(route.householdId) }
}

class SelfReportScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.SelfReport>()
    val form = SelfReportViewModel(app.db, viewModelScope, if (route.byVolunteer) Channel.VOLUNTEER else Channel.APP)

    init {
        val kept = keepDraft(handle, DRAFT) { form.draftJson() }
        if (kept != null) form.restore(kept) else form.open(route.householdId)
    }

    private companion object { const val DRAFT = "self_report_draft" }
}

class VerifyScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.Verify>()
    val verify = VerifyViewModel(app.db, viewModelScope)
    init { verify.open(route.householdId, route.personId, route.leaderId) }
}

class FiguresScreenModel(app: Application, handle: SavedStateHandle) : AndroidViewModel(app) {
    val route = handle.toRoute<Routes.Figures>()
    val figures = FiguresViewModel(app.db, viewModelScope)

    init { reload() }

    fun reload() {
        val key = route.key
        val scope = when {
            route.scope == Routes.FigureScopeKind.TEAM && key != null -> FigureScope.Team(key)
            route.scope == Routes.FigureScopeKind.COMMUNE && key != null -> FigureScope.Commune(key)
            else -> FigureScope.All
        }
        figures.load(scope)
    }
}
