package vn.tungnha.app

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import vn.tungnha.presentation.EnrolViewModel
import vn.tungnha.presentation.FiguresViewModel
import vn.tungnha.presentation.HouseholdListViewModel
import vn.tungnha.presentation.RecordVisitViewModel
import vn.tungnha.presentation.SyncViewModel

/**
 * androidx ViewModels that own the plain-Kotlin view-models of :presentation for the
 * lifetime of a screen (their coroutines run in viewModelScope and stop with it). All the
 * logic is in :presentation, tested on the JVM; these only wire the Android lifecycle.
 */
class AppModels(app: Application) : AndroidViewModel(app) {
    private val tn = app as TungNhaApplication
    private val db get() = tn.database

    val enrol by lazy { EnrolViewModel(db, tn.serverUrl, viewModelScope) }
    val households by lazy { HouseholdListViewModel(db, viewModelScope) }
    val recordVisit by lazy { RecordVisitViewModel(db, viewModelScope) }
    val sync by lazy { SyncViewModel(db, tn.serverUrl, viewModelScope) }
    val figures by lazy { FiguresViewModel(db, viewModelScope) }
}
