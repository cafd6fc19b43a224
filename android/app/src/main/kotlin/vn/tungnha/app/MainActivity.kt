package vn.tungnha.app

import android.os.Bundle
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.appcompat.app.AppCompatActivity
import androidx.compose.runtime.getValue
import androidx.lifecycle.compose.collectAsStateWithLifecycle
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
        val textScale = (application as TungNhaApplication).textScale
        setContent {
            val scale by textScale.collectAsStateWithLifecycle()
            TungNhaTheme(textScale = scale) { TungNhaNavHost() }
        }
    }
}
