package vn.tungnha.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import vn.tungnha.presentation.EnrolViewModel

/** First start: the enrolment code from a team leader or an official. */
@Composable
fun EnrolScreen(state: EnrolViewModel.State, onEnrol: (code: String, deviceName: String) -> Unit) {
    var code by remember { mutableStateOf("") }
    var name by remember { mutableStateOf(android.os.Build.MODEL ?: "") }
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        Text("Đăng ký thiết bị", style = MaterialTheme.typography.headlineSmall)
        Text("Nhập mã đăng ký do tổ trưởng hoặc cán bộ xã cấp (8 ký tự).")
        OutlinedTextField(code, { code = it.uppercase() }, label = { Text("Mã đăng ký") }, singleLine = true)
        OutlinedTextField(name, { name = it }, label = { Text("Tên thiết bị") }, singleLine = true)
        state.error?.let { Text(it.message, color = MaterialTheme.colorScheme.error) }
        Button(onClick = { onEnrol(code, name) }, enabled = !state.busy && code.isNotBlank()) {
            Text(if (state.busy) "Đang đăng ký…" else "Đăng ký")
        }
    }
}
