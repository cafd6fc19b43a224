package vn.tungnha.app.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.runtime.remember
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.unit.sp
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

/**
 * The app's theme; [textScale] (the settings' text size, on top of the phone's font size)
 * scales every style of Material's type scale, so all text grows together.
 */
@Composable
fun TungNhaTheme(textScale: Float = 1f, content: @Composable () -> Unit) {
    val base = Typography()
    val typography = remember(textScale) { if (textScale == 1f) base else base.scaled(textScale) }
    MaterialTheme(colorScheme = if (isSystemInDarkTheme()) dark else light, typography = typography, content = content)
}

private fun TextStyle.scaled(k: Float): TextStyle = copy(
    fontSize = if (fontSize.isSp) (fontSize.value * k).sp else fontSize,
    lineHeight = if (lineHeight.isSp) (lineHeight.value * k).sp else lineHeight,
)

private fun Typography.scaled(k: Float) = Typography(
    displayLarge = displayLarge.scaled(k), displayMedium = displayMedium.scaled(k), displaySmall = displaySmall.scaled(k),
    headlineLarge = headlineLarge.scaled(k), headlineMedium = headlineMedium.scaled(k), headlineSmall = headlineSmall.scaled(k),
    titleLarge = titleLarge.scaled(k), titleMedium = titleMedium.scaled(k), titleSmall = titleSmall.scaled(k),
    bodyLarge = bodyLarge.scaled(k), bodyMedium = bodyMedium.scaled(k), bodySmall = bodySmall.scaled(k),
    labelLarge = labelLarge.scaled(k), labelMedium = labelMedium.scaled(k), labelSmall = labelSmall.scaled(k),
)
