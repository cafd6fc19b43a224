import Foundation
import TungNhaCore
@testable import TungNhaPresentation
import XCTest

/// The one helper that picks the core's Vietnamese or English text.
final class CoreTextTests: XCTestCase {
    override func tearDown() {
        CoreLanguage.override = nil
        super.tearDown()
    }

    func testTheLanguageFollowsTheAppsLocalization() {
        XCTAssertEqual(CoreLanguage.from(localization: "vi"), .vi)
        XCTAssertEqual(CoreLanguage.from(localization: "en"), .en)
        XCTAssertEqual(CoreLanguage.from(localization: "en-GB"), .en)
        XCTAssertEqual(CoreLanguage.from(localization: "fr"), .vi, "the source language for anything else")
        XCTAssertEqual(CoreLanguage.from(localization: nil), .vi)
    }

    func testEnglishFallsBackToVietnameseWhenTheCoreHasNone() {
        XCTAssertEqual(CoreLanguage.en.pick(vi: "Đã lưu", en: ""), "Đã lưu")
        XCTAssertEqual(CoreLanguage.en.pick(vi: "Đã lưu", en: "Saved"), "Saved")
        XCTAssertEqual(CoreLanguage.vi.pick(vi: "Đã lưu", en: "Saved"), "Đã lưu")
    }

    func testCatalogNamesAndErrorsFollowTheOverride() throws {
        let topic = try XCTUnwrap(topics().first)
        CoreLanguage.override = .en
        XCTAssertEqual(topic.localizedName, topic.nameEn)
        XCTAssertEqual(UiError.unexpected.localizedMessage, errorMessageEn(code: .unexpected))
        CoreLanguage.override = .vi
        XCTAssertEqual(topic.localizedName, topic.nameVi)
        XCTAssertEqual(UiError.unexpected.localizedMessage, errorMessageVi(code: .unexpected))
        XCTAssertTrue(skillChoices().allSatisfy { !$0.localizedPlain.isEmpty })
    }

    func testProblemsSplitIntoErrorsAndWarnings() {
        let problems = [
            Problem(field: "topics", code: "required", severity: .error, messageVi: "Chọn nội dung", messageEn: "Choose a topic"),
            Problem(field: "occurred_at", code: "outside_campaign", severity: .warning, messageVi: "Ngoài đợt", messageEn: "Outside the campaign"),
        ]
        CoreLanguage.override = .en
        XCTAssertEqual(problems.errorMessages, ["Choose a topic"])
        XCTAssertEqual(problems.warningMessages, ["Outside the campaign"])
        XCTAssertEqual(fieldMessages(problems), ["topics": ["Choose a topic"]])
        CoreLanguage.override = .vi
        XCTAssertEqual(warningMessages(problems), ["Ngoài đợt"])
    }
}
