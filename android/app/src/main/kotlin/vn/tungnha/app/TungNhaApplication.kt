package vn.tungnha.app

import android.app.Application
import kotlinx.coroutines.flow.MutableStateFlow
import vn.tungnha.core.Database
import vn.tungnha.core.TungNhaException

/**
 * Holds the one database handle of the app. The handle is thread-safe: every screen uses
 * it, always off the main thread (the view-models call it on Dispatchers.IO).
 */
class TungNhaApplication : Application() {
    val database: Database by lazy {
        // Opening runs schema migrations; onCreate starts it on a background thread.
        Database.open(getDatabasePath("tungnha.db").apply { parentFile?.mkdirs() }.path)
    }

    /** The server a scanned enrolment QR code named (kept by the core's enrolment), read at start and after enrolling. */
    @Volatile
    var enrolledServer: String? = null

    /** The server to sync with: the enrolment's, else this build's province server. */
    val serverUrl: String get() = enrolledServer ?: BuildConfig.SERVER_URL

    /**
     * The text size chosen in the settings (the core keeps it; 1 until read), applied by the
     * theme to its whole type scale. The settings screen updates it after a save.
     */
    val textScale = MutableStateFlow(1f)

    override fun onCreate() {
        super.onCreate()
        // Open (and migrate) off the main thread, before the first screen asks for it.
        Thread({
            try {
                enrolledServer = database.enrolment()?.serverUrl
                textScale.value = database.settingsScreen().settings.textScale
            } catch (_: TungNhaException) {
                // The default size until the settings can be read.
            }
        }, "tungnha-open").start()
    }

    override fun onTrimMemory(level: Int) {
        super.onTrimMemory(level)
        if (level >= TRIM_MEMORY_UI_HIDDEN) {
            // The app went to the background: fold the journal into the database file.
            Thread { runCatching { database.checkpoint() } }.start()
        }
    }
}
