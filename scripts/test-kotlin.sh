#!/usr/bin/env bash
# The Kotlin side, on a real JVM: builds the host library (tungnha-bindings), the server the
# tests talk to (tungnha) and uniffi-bindgen; generates the Kotlin and Swift bindings from the
# built library (library mode: build outputs under build/, never committed); checks the Swift
# bindings declare what the iOS app uses; compiles the bindings, android/presentation (the
# view-models) and its JUnit tests with kotlinc; runs them with -Djna.library.path pointing at
# the built library. Ends with JUnit's summary and a line "N passed, N failed".
#
# Tools come from scripts/install-kotlin-tools.sh (Debian JNA + JUnit 4, kotlinc from npm).
# Warm runs skip what has not changed (kotlinc is slow; inputs are hashed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/kotlin
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
LIB=$TARGET/debug/libtungnha_bindings.so
SERVER=$TARGET/debug/tungnha
mkdir -p "$OUT"

t_start=$(date +%s)
step() { printf '\n--- %s\n' "$*"; }
elapsed() { echo "$(( $(date +%s) - t_start )) s"; }

step "tools (JDK, JNA, JUnit 4, kotlinc)"
KOTLIN_HOME=$(scripts/install-kotlin-tools.sh | tail -1)
KLIB=$KOTLIN_HOME/lib
KOTLINC=$KOTLIN_HOME/bin/kotlinc
JNA=/usr/share/java/jna.jar
JUNIT=/usr/share/java/junit4.jar:/usr/share/java/hamcrest.jar
KT_RT=$KLIB/kotlin-stdlib.jar:$KLIB/kotlin-test.jar:$KLIB/kotlin-test-junit.jar:$KLIB/kotlinx-coroutines-core-jvm.jar

step "cargo build: tungnha-bindings (cdylib), uniffi-bindgen, the tungnha server ($(elapsed))"
# One invocation for the whole workspace, so features unify as in `cargo test --workspace`
# and nothing is built twice. The server is here because the tests start it.
cargo build --locked --workspace
for f in "$LIB" "$SERVER" "$TARGET/debug/uniffi-bindgen"; do [[ -f $f ]] || { echo "missing $f" >&2; exit 1; }; done

step "generate bindings from the built library ($(elapsed))"
# Always regenerate: stale bindings fail at run time with "undefined symbol" or checksum errors.
GEN=$OUT/generated
rm -rf "$GEN.new"
for lang in kotlin swift; do
  "$TARGET/debug/uniffi-bindgen" generate --no-format --library "$LIB" --language "$lang" --out-dir "$GEN.new/$lang" >/dev/null
done
rm -rf "$GEN" && mv "$GEN.new" "$GEN"
find "$GEN" -type f | sed "s|$ROOT/||" | sort

step "Swift bindings declare what ios/ uses"
SWIFT=$GEN/swift/TungNhaCore.swift
[[ -f $GEN/swift/TungNhaCoreFFI.h && -f $GEN/swift/TungNhaCoreFFI.modulemap && -f $SWIFT ]] || { echo "Swift files missing" >&2; exit 1; }
# Compared with all whitespace removed: the generator's spacing is not part of the API.
flat=$(tr -d ' \t\n' < "$SWIFT")
swift_missing=0
while IFS= read -r decl; do
  [[ -z $decl ]] && continue
  if [[ $flat != *"${decl//[[:space:]]/}"* ]]; then echo "Swift bindings lack: $decl" >&2; swift_missing=1; fi
done <<'DECLS'
open class Database: DatabaseProtocol, @unchecked Sendable
public static func `open`(path: String, encryptionKey: String? = nil) throws -> Database
enum TungNhaError: Swift.Error
case Validation(code: ErrorCode, messageVi: String, messageEn: String, problems: [Problem])
case NotFound(code: ErrorCode, messageVi: String, messageEn: String, entity: String, id: String)
case NotEnrolled(code: ErrorCode, messageVi: String, messageEn: String)
case Network(code: ErrorCode, messageVi: String, messageEn: String, detail: String)
case ServerRefused(code: ErrorCode, messageVi: String, messageEn: String, status: UInt16)
case Cancelled(code: ErrorCode, messageVi: String, messageEn: String)
case Storage(code: ErrorCode, messageVi: String, messageEn: String, detail: String)
public func code() -> ErrorCode
public func action() -> ErrorAction
public func messageVi() -> String
public func messageEn() -> String
public enum ErrorCode: Equatable, Hashable
case unexpected
public func errorAction(code: ErrorCode) -> ErrorAction
public func errorMessageVi(code: ErrorCode) -> String
public func errorMessageEn(code: ErrorCode) -> String
public enum ErrorAction: Equatable, Hashable
case fixFields
case enrol
case updateApp
case retryLater
case freeSpace
case contactLeader
case dismiss
public protocol SyncListener: AnyObject, Sendable
func onProgress(progress: SyncProgress)
open class SyncCancel: SyncCancelProtocol, @unchecked Sendable
public typealias HouseholdId = String
public typealias PersonId = String
public typealias TeamId = String
public typealias MemberId = String
public typealias VillageId = String
public typealias Timestamp = Date
public typealias LocalDay = String
public struct VisitInput
public struct HouseholdSummary
public struct HouseholdDetail
public struct Figures
public struct Problem
public enum VisitPlace
public var occurredAt: Timestamp
public struct TeamMemberInput
public struct TeamRole
open func recordVisit(visit: VisitInput) throws -> SavedVisit
open func recordSelfReport(report: SelfReportInput) throws -> SavedSelfReport
open func assignmentHouseholds(teamId: TeamId, volunteerId: MemberId? = nil) throws -> [HouseholdSummary]
open func householdDetail(householdId: HouseholdId) throws -> HouseholdDetail
open func search(query: String, villageId: VillageId? = nil, limit: UInt32 = UInt32(50)) throws -> [SearchHit]
open func sync(serverUrl: String, settings: SyncSettings? = nil, listener: SyncListener? = nil, cancel: SyncCancel? = nil) throws -> SyncReport
open func enrol(serverUrl: String, code: String, deviceName: String) throws -> Enrolment
open func figures(scope: FigureScope, days: DayRange? = nil) throws -> Figures
open func conflicts() throws -> [Conflict]
open func villages() throws -> [Village]
open func enrolment() throws -> Enrolment?
open func pendingCount() throws -> UInt64
open func addVillage(communeKey: String, name: String) throws -> VillageId
open func addTeam(team: TeamInput) throws -> Team
open func assignVillage(teamId: TeamId, villageId: VillageId, volunteerId: MemberId? = nil) throws -> AssignmentId
open func addHousehold(household: HouseholdInput) throws -> SavedHousehold
open func addPerson(householdId: HouseholdId, person: PersonInput) throws -> SavedPerson
public static func fromJson(json: String) throws -> SelfReportForm
case household(householdId: HouseholdId
case group(place: String
case team(TeamId
public struct ConsentPurpose
public var textEn: String
public struct SkillChoice
public var plainEn: String
public struct LearnMore
public var consentGivenAt: Timestamp?
public struct Village
public var communeKey: String?
case teamLeader
public var hasEpaymentAdult: Bool?
public var opsAcked: UInt32
public struct IndicatorFigure
public var peopleMasteringAll: UInt32
open func rejectedOps() throws -> [RejectedOp]
public func skills() -> [CatalogEntry]
public func topics() -> [CatalogEntry]
public func actions() -> [CatalogEntry]
open func searchPage(query: String, villageId: VillageId? = nil, offset: UInt32 = UInt32(0), limit: UInt32 = UInt32(50)) throws -> SearchPage
open func visit(visitId: VisitId) throws -> Visit
public var nextOffset: UInt32?
public var rank: MatchRank
public struct FormState
public var canSave: Bool
public func consentPurpose() -> ConsentPurpose
public func skillChoices() -> [SkillChoice]
public func learnMore() -> LearnMore
open class HouseholdForm: HouseholdFormProtocol, @unchecked Sendable
public convenience init(villageId: VillageId? = nil) throws
public static func fromJson(json: String) throws -> HouseholdForm
open func draft() -> HouseholdDraft
open func setVillage(villageId: VillageId?) throws
open func setAddress(address: String)
open func setPhone(phone: String)
open func setIndicators(indicators: HouseholdIndicators)
open func addMember(relation: Relation) -> UInt32
open func removeMember(index: UInt32)
open func setMemberName(index: UInt32, fullName: String)
open func setMemberRelation(index: UInt32, relation: Relation)
open func setMemberBirthYear(index: UInt32, birthYear: String)
open func setMemberSex(index: UInt32, sex: Sex?)
open func setMemberPhone(index: UInt32, phone: String)
open func setConsentGivenBy(name: String)
open func recordConsent()
open func similar(db: Database) throws -> [SearchHit]
open func save(db: Database, recordedBy: MemberId? = nil) throws -> SavedHousehold
open func toJson() throws -> String
open class VisitForm: VisitFormProtocol, @unchecked Sendable
public static func atHousehold(householdId: HouseholdId, teamId: TeamId, volunteerId: MemberId, campaignId: CampaignId? = nil) throws -> VisitForm
public static func groupSession(place: String, teamId: TeamId, volunteerId: MemberId, campaignId: CampaignId? = nil) throws -> VisitForm
public static func correcting(db: Database, visitId: VisitId) throws -> VisitForm
open func draft() -> VisitDraft
open func togglePresent(personId: PersonId) throws
open func toggleSkill(personId: PersonId, skill: String) throws
open func toggleAction(personId: PersonId, action: String) throws
open func toggleTopic(code: String)
open func setNotes(notes: String)
open func setOccurredAt(occurredAt: Timestamp?)
open func state(db: Database) throws -> FormState
open func save(db: Database) throws -> SavedVisit
public static func fromJson(json: String) throws -> VisitForm
open func setPlace(place: String)
open func searchPeople(db: Database, query: String, offset: UInt32 = UInt32(0), limit: UInt32 = UInt32(50)) throws -> SearchPage
open func roster(db: Database) throws -> [RosterRow]
open func startWalkIn(householdId: HouseholdId? = nil) throws
open func setWalkInHousehold(householdId: HouseholdId?) throws
open func setWalkInName(fullName: String)
open func setWalkInBirthYear(birthYear: String)
open func setWalkInRelation(relation: Relation)
open func setWalkInConsentGivenBy(name: String)
open func recordWalkInConsent()
open func cancelWalkIn()
open func walkInState() -> FormState
open func addWalkIn(db: Database, recordedBy: MemberId? = nil) throws -> SavedPerson
public struct WalkInDraft
public struct RosterRow
open class SelfReportForm: SelfReportFormProtocol, @unchecked Sendable
public static func forHousehold(db: Database, householdId: HouseholdId, channel: Channel) throws -> SelfReportForm
public static func fromJson(json: String) throws -> SelfReportForm
open func draft() -> SelfReportDraft
open func toggle(personId: PersonId, skill: String) throws
open func save(db: Database) throws -> [SavedSelfReport]
public var people: [PersonSkills]
open class VerificationForm: VerificationFormProtocol, @unchecked Sendable
public convenience init(personId: PersonId, leaderId: MemberId) throws
open func draft() -> VerificationDraft
open func toggle(skill: String)
open func save(db: Database) throws -> [VerificationId]
open class CorrectionForm: CorrectionFormProtocol, @unchecked Sendable
public convenience init(personId: PersonId, leaderId: MemberId, skill: String, toLevel: SkillLevel) throws
open func draft() -> CorrectionDraft
open func setToLevel(toLevel: SkillLevel)
open func setReason(reason: String)
open func save(db: Database) throws -> CorrectionId
open func state() -> FormState
open func home(teamId: TeamId, volunteerId: MemberId, day: LocalDay, query: HomeQuery) throws -> HomeScreen
open func householdScreen(householdId: HouseholdId) throws -> HouseholdScreen
open func syncStatus() throws -> SyncStatus
open func refusedVisitForm(opId: OpId) throws -> VisitForm
open func saveRefusedFix(opId: OpId, form: VisitForm) throws -> SavedVisit
open func settingsScreen() throws -> SettingsScreen
open func saveSettings(settings: Settings) throws -> Settings
open func discardRejected(opId: OpId) throws
public struct HomeQuery
public enum HouseholdFilter
public struct HomeScreen
public struct HouseholdScreen
public struct SyncStatus
public var refusedTotal: UInt32
public var lastSyncAt: Timestamp?
public struct Settings
public var textScale: Float
public struct SettingsScreen
public enum Language
public typealias OpId = String
open func enrolScanned(scanned: String, defaultServerUrl: String, deviceName: String) throws -> EnrolmentSummary
open func enrolmentSummary() throws -> EnrolmentSummary?
open func issueCode(serverUrl: String, request: CodeRequest) throws -> IssuedCode
open func campaigns() throws -> [Campaign]
open func teamProgress(teamId: TeamId, campaignId: CampaignId? = nil) throws -> TeamProgress
open func citizenHome(householdId: HouseholdId) throws -> CitizenHome
public func enrolLink(serverUrl: String, code: String) throws -> String
public func parseEnrolInput(text: String) throws -> EnrolTarget
public struct CodeRequest
public init(role: Role, memberId: MemberId? = nil, teamId: TeamId? = nil, householdId: HouseholdId? = nil
case forbidden
public struct FilterCounts
public struct VillageChip
public struct TodaysWork
public var peopleGuidedToday: UInt32
public enum SkillSource
case visit(visitId: VisitId, volunteerId: MemberId, volunteerName: String?
case selfReport(channel: Channel
case verification(leaderId: MemberId, leaderName: String?
case correction(leaderId: MemberId, leaderName: String?, reason: String
public struct LadderStep
public struct MemberLadder
public struct VisitEntry
public var otherAttendees: UInt32
public struct RefusedItem
public var reasonEn: String
public enum RefusedAction
public typealias RecordKind = String
public struct PrivacyNotice
public struct EnrolmentSummary
public var provinceName: String?
public struct EnrolTarget
public struct IssuedCode
public var expiresAt: Timestamp
public struct TeamProgress
public var householdsVisitedPercent: UInt32?
public struct MemberActivity
public var lastActivityAt: Timestamp?
public struct Campaign
public struct CitizenHome
public var masteringAllPercent: UInt32
public struct CitizenPerson
public struct SkillProgress
public struct Attendee
case tooManyAttempts
case encryptionUnavailable
case unavailable
case serverError
open func settleConflict(conflictId: String, choice: ConflictChoice) throws
public struct ConflictItem
public enum ConflictChoice
public var conflictItems: [ConflictItem]
open func setCorrectionReason(reason: String)
public var correctionReason: String
public static func editing(db: Database, householdId: HouseholdId) throws -> HouseholdForm
public var labelEn: String
DECLS
((swift_missing == 0)) || exit 1
echo "ok: $(grep -c '^' "$SWIFT") lines, every expected declaration present"

# ---------------------------------------------------------------- kotlinc, with input hashes
PRES=$ROOT/android/presentation/src
compile() {  # compile NAME CLASSPATH SOURCES... -> $OUT/NAME.jar (skipped when inputs are unchanged)
  local name=$1 cp=$2; shift 2
  local jar=$OUT/$name.jar stamp=$OUT/$name.stamp hash
  hash=$( { echo "$KOTLIN_HOME $cp"; cat "$@"; } | sha256sum | cut -d' ' -f1)
  if [[ -f $jar && -f $stamp && $(cat "$stamp") == "$hash" ]]; then
    echo "$name: unchanged, kept $(basename "$jar")"
    return
  fi
  rm -f "$jar" "$stamp"
  "$KOTLINC" -jvm-target 17 -nowarn -cp "$cp" -d "$jar" "$@" 2>&1 | grep -v '^warning: .*unable to find kotlin-stdlib' || true
  [[ -f $jar ]] || { echo "kotlinc failed for $name" >&2; exit 1; }
  echo "$hash" > "$stamp"
}

step "kotlinc: generated bindings + android/presentation ($(elapsed))"
mapfile -t main_sources < <(find "$GEN/kotlin" "$PRES/main/kotlin" -name '*.kt' | sort)
compile presentation "$JNA:$KT_RT" "${main_sources[@]}"

step "kotlinc: JUnit tests ($(elapsed))"
mapfile -t test_sources < <(find "$PRES/test/kotlin" -name '*.kt' | sort)
compile presentation-tests "$OUT/presentation.jar:$JNA:$JUNIT:$KT_RT" "${test_sources[@]}"

step "JUnit on the JVM ($(elapsed))"
mapfile -t classes < <(jar tf "$OUT/presentation-tests.jar" | grep -E 'Test\.class$' | grep -v '\$' | sed 's/\.class$//; s|/|.|g' | sort)
echo "test classes: ${classes[*]}"
set +e
java -Djna.library.path="$TARGET/debug" -Dtungnha.bin="$SERVER" -Dfile.encoding=UTF-8 \
  -cp "$OUT/presentation-tests.jar:$OUT/presentation.jar:$JNA:$JUNIT:$KT_RT" \
  vn.tungnha.presentation.TestMainKt "${classes[@]}"
status=$?
set -e
echo "(scripts/test-kotlin.sh took $(elapsed))"
exit $status
