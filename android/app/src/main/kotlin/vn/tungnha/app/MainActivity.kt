package vn.tungnha.app

import android.os.Bundle
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.appcompat.app.AppCompatActivity
import vn.tungnha.app.nav.TungNhaNavHost
import vn.tungnha.app.ui.TungNhaTheme

/**
 * The one activity. An AppCompatActivity so that the per-app language
 * ([AppLanguage.set], Android 13+ system settings too) applies on every Android version.
 */
class MainActivity : AppCompatActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        setContent { TungNhaTheme { TungNhaNavHost() } }
    }
}
