package vn.tungnha.app.nav

import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.navigation.NavHostController
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import vn.tungnha.app.CitizenHomeScreenModel
import vn.tungnha.app.CorrectVisitScreenModel
import vn.tungnha.app.FixRefusedScreenModel
import vn.tungnha.app.HomeScreenModel
import vn.tungnha.app.HouseholdDetailScreenModel
import vn.tungnha.app.IssueCodeScreenModel
import vn.tungnha.app.SettingsScreenModel
import vn.tungnha.app.SyncStatusScreenModel
import vn.tungnha.app.TeamProgressScreenModel
import vn.tungnha.app.EnrolScreenModel
import vn.tungnha.app.FiguresScreenModel
import vn.tungnha.app.GroupSessionScreenModel
import vn.tungnha.app.HouseholdsScreenModel
import vn.tungnha.app.RecordVisitScreenModel
import vn.tungnha.app.RegisterHouseholdScreenModel
import vn.tungnha.app.SearchScreenModel
import vn.tungnha.app.SelfReportScreenModel
import vn.tungnha.app.VerifyScreenModel
import vn.tungnha.app.ui.CitizenHomeScreen
import vn.tungnha.app.ui.CorrectVisitScreen
import vn.tungnha.app.ui.FixRefusedScreen
import vn.tungnha.app.ui.HomeActions
import vn.tungnha.app.ui.HomeScreen
import vn.tungnha.app.ui.HouseholdDetailScreen
import vn.tungnha.app.ui.IssueCodeScreen
import vn.tungnha.app.ui.SettingsScreen
import vn.tungnha.app.ui.SyncStatusScreen
import vn.tungnha.app.ui.TeamProgressScreen
import vn.tungnha.app.ui.EnrolScreen
import vn.tungnha.app.ui.FiguresScreen
import vn.tungnha.app.ui.GroupSessionScreen
import vn.tungnha.app.ui.HouseholdListScreen
import vn.tungnha.app.ui.RecordVisitScreen
import vn.tungnha.app.ui.RegisterHouseholdScreen
import vn.tungnha.app.ui.SearchScreen
import vn.tungnha.app.ui.SelfReportScreen
import vn.tungnha.app.ui.VerifyScreen

/**
 * The app's one NavHost. Each destination gets its screen model from its own back-stack
 * entry (`viewModel()`), so a screen's state lives as long as the screen and its arguments
 * and drafts survive process death.
 */
@Composable
fun TungNhaNavHost(nav: NavHostController = rememberNavController()) {
    NavHost(navController = nav, startDestination = Routes.Enrol()) {
        composable<Routes.Enrol> {
            val model: EnrolScreenModel = viewModel()
            EnrolScreen(model.enrol, onEnrolled = { home ->
                nav.navigate(home) { popUpTo<Routes.Enrol> { inclusive = true } }
            })
        }
        composable<Routes.Home> {
            val model: HomeScreenModel = viewModel()
            val r = model.route
            HomeScreen(
                model,
                HomeActions(
                    onHousehold = { nav.navigate(Routes.HouseholdDetail(it, r.teamId, r.memberId, r.leader)) },
                    onRecordVisit = { nav.navigate(Routes.RecordVisit(it, r.teamId, r.memberId)) },
                    onRegister = { nav.navigate(Routes.RegisterHousehold(r.memberId)) },
                    onGroupSession = { nav.navigate(Routes.GroupSession(r.teamId, r.memberId)) },
                    onSearch = { nav.navigate(Routes.Search(r.teamId, r.memberId, r.leader)) },
                    onSyncStatus = { nav.navigate(Routes.SyncStatus(r.leader)) },
                    onSettings = { nav.navigate(Routes.Settings) },
                    onAllHouseholds = { nav.navigate(Routes.Households(r.teamId, r.memberId, r.leader)) },
                    onFigures = { nav.navigate(Routes.Figures(Routes.FigureScopeKind.TEAM, r.teamId)) },
                    onEnrolAgain = { nav.navigate(Routes.Enrol(again = true)) { popUpTo(nav.graph.id) { inclusive = true } } },
                    onTeamProgress = if (r.leader) ({ nav.navigate(Routes.TeamProgress(r.teamId)) }) else null,
                    onIssueCode = if (r.leader) ({ nav.navigate(Routes.IssueCode(r.teamId, r.memberId)) }) else null,
                ),
            )
        }
        composable<Routes.HouseholdDetail> {
            val model: HouseholdDetailScreenModel = viewModel()
            val r = model.route
            HouseholdDetailScreen(
                model,
                onBack = { nav.popBackStack() },
                onRecordVisit = { nav.navigate(Routes.RecordVisit(r.householdId, r.teamId, r.memberId)) },
                onSelfReport = { nav.navigate(Routes.SelfReport(r.householdId, byVolunteer = true)) },
                onEdit = { nav.navigate(Routes.RegisterHousehold(r.memberId, householdId = r.householdId)) },
                onVerify = if (r.leader) ({ person -> nav.navigate(Routes.Verify(r.householdId, person, r.memberId)) }) else null,
                onCorrectVisit = { nav.navigate(Routes.CorrectVisit(it)) },
            )
        }
        composable<Routes.SyncStatus> {
            val model: SyncStatusScreenModel = viewModel()
            SyncStatusScreen(model, onBack = { nav.popBackStack() }, onFix = { nav.navigate(Routes.FixRefused(it)) })
        }
        composable<Routes.FixRefused> {
            val model: FixRefusedScreenModel = viewModel()
            val problems by model.serverProblems.collectAsStateWithLifecycle()
            FixRefusedScreen(model.visit, problems, onBack = { nav.popBackStack() })
        }
        composable<Routes.Settings> {
            val model: SettingsScreenModel = viewModel()
            SettingsScreen(model, onBack = { nav.popBackStack() })
        }
        composable<Routes.IssueCode> {
            val model: IssueCodeScreenModel = viewModel()
            IssueCodeScreen(model, onBack = { nav.popBackStack() })
        }
        composable<Routes.TeamProgress> {
            val model: TeamProgressScreenModel = viewModel()
            TeamProgressScreen(model, onBack = { nav.popBackStack() })
        }
        composable<Routes.CitizenHome> {
            val model: CitizenHomeScreenModel = viewModel()
            CitizenHomeScreen(model, onSettings = { nav.navigate(Routes.Settings) })
        }
        composable<Routes.Households> {
            val model: HouseholdsScreenModel = viewModel()
            val r = model.route
            HouseholdListScreen(
                model,
                onRecordVisit = { nav.navigate(Routes.RecordVisit(it, r.teamId, r.memberId)) },
                onSelfReport = { nav.navigate(Routes.SelfReport(it, byVolunteer = true)) },
                onRegister = { nav.navigate(Routes.RegisterHousehold(r.memberId)) },
                onGroupSession = { nav.navigate(Routes.GroupSession(r.teamId, r.memberId)) },
                onSearch = { nav.navigate(Routes.Search(r.teamId, r.memberId, r.leader)) },
                onFigures = { nav.navigate(Routes.Figures(Routes.FigureScopeKind.TEAM, r.teamId)) },
                onEnrolAgain = { nav.navigate(Routes.Enrol(again = true)) { popUpTo(nav.graph.id) { inclusive = true } } },
            )
        }
        composable<Routes.Search> {
            val model: SearchScreenModel = viewModel()
            val r = model.route
            SearchScreen(
                model,
                onBack = { nav.popBackStack() },
                onRecordVisit = { nav.navigate(Routes.RecordVisit(it, r.teamId, r.memberId)) },
                onVerify = if (r.leader) ({ household, person -> nav.navigate(Routes.Verify(household, person, r.memberId)) }) else null,
            )
        }
        composable<Routes.RegisterHousehold> {
            val model: RegisterHouseholdScreenModel = viewModel()
            RegisterHouseholdScreen(model, onBack = { nav.popBackStack() }, onSaved = { nav.popBackStack() })
        }
        composable<Routes.RecordVisit> {
            val model: RecordVisitScreenModel = viewModel()
            RecordVisitScreen(
                model.visit,
                recordedBy = model.route.memberId,
                onBack = { nav.popBackStack() },
                onCorrect = { visitId -> nav.navigate(Routes.CorrectVisit(visitId)) { popUpTo<Routes.RecordVisit> { inclusive = true } } },
            )
        }
        composable<Routes.GroupSession> {
            val model: GroupSessionScreenModel = viewModel()
            GroupSessionScreen(
                model,
                onBack = { nav.popBackStack() },
                onCorrect = { visitId -> nav.navigate(Routes.CorrectVisit(visitId)) { popUpTo<Routes.GroupSession> { inclusive = true } } },
            )
        }
        composable<Routes.CorrectVisit> {
            val model: CorrectVisitScreenModel = viewModel()
            CorrectVisitScreen(model.visit, onBack = { nav.popBackStack() })
        }
        composable<Routes.SelfReport> {
            val model: SelfReportScreenModel = viewModel()
            // A citizen's device starts here: no way back to a volunteer's list.
            SelfReportScreen(model, onBack = if (model.route.byVolunteer) ({ nav.popBackStack() }) else null)
        }
        composable<Routes.Verify> {
            val model: VerifyScreenModel = viewModel()
            VerifyScreen(model.verify, onBack = { nav.popBackStack() })
        }
        composable<Routes.Figures> {
            val model: FiguresScreenModel = viewModel()
            FiguresScreen(model, onBack = if (nav.previousBackStackEntry != null) ({ nav.popBackStack() }) else null)
        }
    }
}
