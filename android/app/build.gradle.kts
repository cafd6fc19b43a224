plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
    // Navigation Compose's typed routes are @Serializable classes.
    alias(libs.plugins.kotlin.serialization)
}

android {
    namespace = "vn.tungnha.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "vn.tungnha.app"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The province's sync server; override per deployment.
        buildConfigField("String", "SERVER_URL", "\"https://dongbo.example.vn\"")
        ndk {
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    buildFeatures {
        compose = true
        buildConfig = true
    }

    compileOptions {
        // The bindings use java.time (Instant, LocalDate), which minSdk 24 needs desugared.
        isCoreLibraryDesugaringEnabled = true
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    kotlinOptions {
        jvmTarget = "17"
    }
}

// libtungnha_bindings.so for each ABI, from ../build-rust-android.sh (cargo-ndk) into
// src/main/jniLibs (git-ignored). Run it before building, or let this task do it.
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = rootDir
    commandLine("./build-rust-android.sh")
}
tasks.named("preBuild") { dependsOn(cargoNdk) }

dependencies {
    implementation(project(":presentation"))
    implementation("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    implementation(libs.kotlinx.coroutines.android)
    implementation(platform(libs.compose.bom))
    implementation(libs.compose.ui)
    implementation(libs.compose.material3)
    implementation(libs.compose.ui.tooling.preview)
    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(libs.lifecycle.viewmodel.savedstate)
    implementation(libs.compose.material.icons.extended)
    implementation(libs.navigation.compose)
    implementation(libs.kotlinx.serialization.json)
    implementation(libs.appcompat)
    implementation(libs.play.services.code.scanner)
    implementation(libs.zxing.core)
    debugImplementation(libs.compose.ui.tooling)
    coreLibraryDesugaring(libs.desugar.jdk.libs)
}
