package vn.tungnha.app

import android.app.Application
import vn.tungnha.core.Database

/**
 * Holds the one database handle of the app. The handle is thread-safe: every screen uses
 * it, always off the main thread (the view-models call it on Dispatchers.IO).
 */
class TungNhaApplication : Application() {
    val database: Database by lazy {
        // Opening runs schema migrations; onCreate starts it on a background thread.
        Database.open(getDatabasePath("tungnha.db").apply { parentFile?.mkdirs() }.path)
    }

    val serverUrl: String get() = BuildConfig.SERVER_URL

    override fun onCreate() {
        super.onCreate()
        // Open (and migrate) off the main thread, before the first screen asks for it.
        Thread({ database }, "tungnha-open").start()
    }

    override fun onTrimMemory(level: Int) {
        super.onTrimMemory(level)
        if (level >= TRIM_MEMORY_UI_HIDDEN) {
            // The app went to the background: fold the journal into the database file.
            Thread { runCatching { database.checkpoint() } }.start()
        }
    }
}
