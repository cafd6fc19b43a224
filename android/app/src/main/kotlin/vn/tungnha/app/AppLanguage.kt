package vn.tungnha.app

import androidx.appcompat.app.AppCompatDelegate
import androidx.core.os.LocaleListCompat

/**
 * The app's own language (vi or en), independent of the phone's: for the settings screen.
 * AppCompat stores the choice (below Android 13 through AppLocalesMetadataHolderService in
 * the manifest) and recreates the activity; string resources and [vn.tungnha.app.ui.coreText]
 * follow it.
 */
object AppLanguage {
    enum class Choice(val tag: String) { SYSTEM(""), VIETNAMESE("vi"), ENGLISH("en") }

    fun set(choice: Choice) {
        AppCompatDelegate.setApplicationLocales(LocaleListCompat.forLanguageTags(choice.tag))
    }

    fun current(): Choice {
        val tag = AppCompatDelegate.getApplicationLocales().toLanguageTags()
        return Choice.entries.firstOrNull { it.tag.isNotEmpty() && tag.startsWith(it.tag) } ?: Choice.SYSTEM
    }
}
