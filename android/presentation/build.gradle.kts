// Plain Kotlin (no Android): the view-models over the generated bindings, testable on any
// JVM. The bindings (package vn.tungnha.core) are generated from the Rust library into
// build/generated/uniffi/kotlin and compiled here; they are build outputs, never committed.
import org.gradle.api.tasks.Exec

plugins {
    alias(libs.plugins.kotlin.jvm)
}

kotlin {
    jvmToolchain(17)
}

val repoRoot: File = rootDir.parentFile
val generatedBindings = layout.buildDirectory.dir("generated/uniffi/kotlin")
val hostLibDir = File(repoRoot, "target/debug")

// Host build of the library (for the JVM tests) and of the server the tests start.
val cargoBuild by tasks.registering(Exec::class) {
    workingDir = repoRoot
    commandLine("cargo", "build", "--locked", "--workspace")
}

val generateBindings by tasks.registering(Exec::class) {
    dependsOn(cargoBuild)
    workingDir = repoRoot
    outputs.dir(generatedBindings)
    commandLine(
        "cargo", "run", "--locked", "-q", "-p", "uniffi-bindgen", "--",
        "generate", "--no-format", "--language", "kotlin",
        "--library", File(hostLibDir, System.mapLibraryName("tungnha_bindings")).path,
        "--out-dir", generatedBindings.get().asFile.path,
    )
}

sourceSets {
    main {
        kotlin.srcDir(generateBindings)
    }
}

dependencies {
    api(libs.kotlinx.coroutines.core)
    // The app brings JNA as an Android AAR (jna@aar), the tests as a jar.
    compileOnly(libs.jna)
    testImplementation(libs.jna)
    testImplementation(libs.junit)
    testImplementation(libs.kotlin.test.junit)
}

tasks.test {
    dependsOn(cargoBuild)
    systemProperty("jna.library.path", hostLibDir.path)
    systemProperty("tungnha.bin", File(hostLibDir, "tungnha").path)
}
