package vn.tungnha.app.ui

import androidx.annotation.PluralsRes
import androidx.annotation.StringRes
import androidx.compose.ui.ExperimentalComposeUiApi
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.ui.platform.LocalConfiguration
import androidx.core.os.ConfigurationCompat
import vn.tungnha.app.R
import vn.tungnha.core.CatalogEntry
import vn.tungnha.core.Channel
import vn.tungnha.core.ConsentPurpose
import vn.tungnha.core.HouseholdStatus
import vn.tungnha.core.Problem
import vn.tungnha.core.Relation
import vn.tungnha.core.Role
import vn.tungnha.core.Sex
import vn.tungnha.core.SkillChoice
import vn.tungnha.core.SkillLevel
import vn.tungnha.presentation.UiError
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale

/**
 * The one place that picks between the core's two texts (problems, errors, catalog names,
 * the consent notice): English when the app's current language is English, Vietnamese
 * otherwise (Vietnamese is the default). Follows the per-app language set with
 * `AppCompatDelegate.setApplicationLocales`, which recreates the activity.
 */
@Composable
@ReadOnlyComposable
fun coreText(vi: String, en: String): String {
    return if (currentLocale().language == "en" && en.isNotBlank()) en else vi
}

/** The app's current locale (per-app language, else the phone's). */
@Composable
@ReadOnlyComposable
fun currentLocale(): Locale = ConfigurationCompat.getLocales(LocalConfiguration.current)[0] ?: Locale.getDefault()

/** A moment as a local date and time, in the app's language. */
@Composable
@ReadOnlyComposable
fun formatDateTime(at: Instant): String =
    DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(currentLocale()).format(at.atZone(ZoneId.systemDefault()))

/** A moment as a local date, in the app's language. */
@Composable
@ReadOnlyComposable
fun formatDate(at: Instant): String =
    DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(currentLocale()).format(at.atZone(ZoneId.systemDefault()))

/** A calendar day, in the app's language. */
@Composable
@ReadOnlyComposable
fun formatDay(day: java.time.LocalDate): String =
    DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(currentLocale()).format(day)

/** A counted text from the `<plurals>` of strings.xml, the count also its argument. */
@OptIn(ExperimentalComposeUiApi::class)
@Composable
@ReadOnlyComposable
fun plural(@PluralsRes id: Int, count: Int): String = pluralStringResource(id, count, count)

@Composable @ReadOnlyComposable
fun Problem.text(): String = coreText(messageVi, messageEn)

@Composable @ReadOnlyComposable
fun UiError.text(): String = coreText(message, messageEn)

@Composable @ReadOnlyComposable
fun CatalogEntry.name(): String = coreText(nameVi, nameEn)

@Composable @ReadOnlyComposable
fun SkillChoice.name(): String = coreText(nameVi, nameEn)

@Composable @ReadOnlyComposable
fun SkillChoice.plain(): String = coreText(plainVi, plainEn)

@Composable @ReadOnlyComposable
fun ConsentPurpose.text(): String = coreText(textVi, textEn)

// ---- the core's enums, named by string resources

@StringRes
fun Relation.label(): Int = when (this) {
    Relation.HEAD -> R.string.relation_head
    Relation.SPOUSE -> R.string.relation_spouse
    Relation.CHILD -> R.string.relation_child
    Relation.PARENT -> R.string.relation_parent
    Relation.GRANDCHILD -> R.string.relation_grandchild
    Relation.SIBLING -> R.string.relation_sibling
    Relation.OTHER_RELATIVE -> R.string.relation_other_relative
    Relation.NON_RELATIVE -> R.string.relation_non_relative
}

@StringRes
fun Sex?.label(): Int = when (this) {
    Sex.FEMALE -> R.string.sex_female
    Sex.MALE -> R.string.sex_male
    null -> R.string.sex_unknown
}

@StringRes
fun SkillLevel.label(): Int = when (this) {
    SkillLevel.NOT_STARTED -> R.string.level_not_started
    SkillLevel.GUIDED -> R.string.level_guided
    SkillLevel.SELF_REPORTED -> R.string.level_self_reported
    SkillLevel.VERIFIED -> R.string.level_verified
}

@StringRes
fun HouseholdStatus.label(): Int = when (this) {
    HouseholdStatus.NOT_VISITED -> R.string.status_not_visited
    HouseholdStatus.VISITED -> R.string.status_visited
    HouseholdStatus.GOAL_REACHED -> R.string.status_goal_reached
}

@StringRes
fun Channel.label(): Int = when (this) {
    Channel.APP -> R.string.channel_app
    Channel.WEB -> R.string.channel_web
    Channel.VOLUNTEER -> R.string.channel_volunteer
}

/** Yes, no, or not asked (a household indicator). */
@StringRes
fun Boolean?.answer(): Int = when (this) {
    true -> R.string.answer_yes
    false -> R.string.answer_no
    null -> R.string.answer_not_asked
}

@StringRes
fun Role.label(): Int = when (this) {
    Role.CITIZEN -> R.string.role_citizen
    Role.VOLUNTEER -> R.string.role_volunteer
    Role.TEAM_LEADER -> R.string.role_team_leader
    Role.COMMUNE_OFFICIAL -> R.string.role_commune_official
    Role.PROVINCE_OFFICIAL -> R.string.role_province_official
}

/** The household indicators the figures count, by the core's indicator code. */
@StringRes
fun indicatorLabel(code: String): Int? = when (code) {
    "has_smartphone" -> R.string.indicator_smartphone
    "has_broadband" -> R.string.indicator_broadband
    "has_epayment_adult" -> R.string.indicator_epayment
    "uses_internet" -> R.string.indicator_internet
    else -> null
}
