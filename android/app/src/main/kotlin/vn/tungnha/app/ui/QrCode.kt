package vn.tungnha.app.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.size
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import com.google.zxing.BarcodeFormat
import com.google.zxing.EncodeHintType
import com.google.zxing.qrcode.QRCodeWriter
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel

/**
 * A QR code of [content] (e.g. an enrolment code a leader issues), black on white whatever
 * the theme so that any scanner reads it, with a quiet zone; [description] is what a screen
 * reader says (the code itself, from a string resource).
 */
@Composable
fun QrCode(content: String, description: String, modifier: Modifier = Modifier.size(240.dp)) {
    val matrix = remember(content) {
        QRCodeWriter().encode(
            content, BarcodeFormat.QR_CODE, 0, 0,
            mapOf(EncodeHintType.MARGIN to 4, EncodeHintType.ERROR_CORRECTION to ErrorCorrectionLevel.M),
        )
    }
    Canvas(modifier.semantics { contentDescription = description }) {
        val cells = matrix.width
        val cell = size.minDimension / cells
        drawRect(Color.White, size = Size(cell * cells, cell * cells))
        for (y in 0 until matrix.height) {
            for (x in 0 until cells) {
                if (matrix[x, y]) drawRect(Color.Black, topLeft = Offset(x * cell, y * cell), size = Size(cell, cell))
            }
        }
    }
}
