package vn.tungnha.app.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

// Every foreground colour used for text or icons on these backgrounds has a contrast of at
// least 4.5:1 (WCAG AA for body text): primary 7.2:1, secondary (done) 5.1:1, tertiary
// (warnings) 5.9:1, error 5.0:1 on white; the dark scheme's tones the same on #121212.
// Status colours always come with an icon and words.
private val light = lightColorScheme(
    primary = Color(0xFFB71C1C),
    secondary = Color(0xFF2E7D32),
    tertiary = Color(0xFF8A5100),
    error = Color(0xFFBA1A1A),
)

private val dark = darkColorScheme(
    primary = Color(0xFFFFB4A9),
    secondary = Color(0xFF8FD88F),
    tertiary = Color(0xFFFFB870),
    error = Color(0xFFFFB4AB),
)

@Composable
fun TungNhaTheme(content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = if (isSystemInDarkTheme()) dark else light, content = content)
}
