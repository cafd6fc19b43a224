package vn.tungnha.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.viewModels
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.tungnha.app.ui.EnrolScreen
import vn.tungnha.app.ui.HouseholdListScreen
import vn.tungnha.app.ui.RecordVisitScreen
import vn.tungnha.app.ui.TungNhaTheme

class MainActivity : ComponentActivity() {
    private val models: AppModels by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent { TungNhaTheme { App(models) } }
    }
}

/** Where the volunteer is: the list of their households, or recording a visit at one. */
private sealed interface Route {
    data object Households : Route
    data class RecordVisit(val householdId: String) : Route
}

@Composable
private fun App(models: AppModels) {
    val enrolState by models.enrol.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { models.enrol.check() }
    val enrolment = enrolState.enrolment
    if (enrolment == null) {
        EnrolScreen(enrolState, onEnrol = { code, name -> models.enrol.enrol(code, name) })
        return
    }
    val teamId = enrolment.teamId
    val memberId = enrolment.memberId
    if (teamId == null || memberId == null) {
        // Officials and citizens use other screens (figures, self-report); not in this build.
        EnrolScreen(enrolState, onEnrol = { code, name -> models.enrol.enrol(code, name) })
        return
    }
    var route by remember { mutableStateOf<Route>(Route.Households) }
    LaunchedEffect(teamId, memberId) { models.households.load(teamId, memberId) }
    when (val r = route) {
        Route.Households -> HouseholdListScreen(
            list = models.households,
            sync = models.sync,
            onOpen = { id ->
                models.recordVisit.openAtHousehold(id, teamId, memberId)
                route = Route.RecordVisit(id)
            },
        )
        is Route.RecordVisit -> RecordVisitScreen(
            vm = models.recordVisit,
            onSave = { models.recordVisit.save() },
            onDone = {
                models.households.refresh()
                route = Route.Households
            },
        )
    }
}
