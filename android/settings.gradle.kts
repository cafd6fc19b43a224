// Từng Nhà for Android. Opens in Android Studio; needs Google's Maven repository and the
// Gradle plugin portal (not reachable on the project's CI machines: there the presentation
// module is compiled and tested with kotlinc by scripts/test-kotlin.sh instead).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "TungNha"
include(":presentation", ":app")
