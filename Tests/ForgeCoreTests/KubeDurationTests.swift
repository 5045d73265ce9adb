import Testing
@testable import ForgeCore

@Suite struct KubeDurationTests {
    @Test(arguments: [
        ("90s", 90_000_000_000 as Int64), ("5m", 300_000_000_000), ("1h30m", 5_400_000_000_000),
        ("500ms", 500_000_000), ("1.5s", 1_500_000_000), ("30", 30_000_000_000), ("0s", 0),
    ])
    func parsesGoStyleDurations(text: String, nanoseconds: Int64) throws {
        #expect(try KubeDuration.parse(text).nanoseconds == nanoseconds)
    }

    @Test(arguments: ["", "abc", "5x", "m5", "-3", "10 s s"])
    func rejectsGarbageWithTheInputInTheMessage(text: String) {
        #expect(throws: KubeDuration.ParseError.self) { try KubeDuration.parse(text) }
        do { _ = try KubeDuration.parse(text) } catch { #expect("\(error)".contains("invalid duration")) }
    }

    @Test func formatsShortForm() {
        #expect(KubeDuration.format(.milliseconds(12)) == "12ms")
        #expect(KubeDuration.format(.seconds(90)) == "90s")
        #expect(KubeDuration.format(.milliseconds(1500)) == "1.5s")
    }
}

@Suite struct LabelSelectorTests {
    @Test func structuredSelectorMatches() {
        let selector = LabelSelector(matchLabels: ["app": "bp"], matchExpressions: [
            .init(key: "region", operator: "In", values: ["eu", "us"]),
            .init(key: "canary", operator: "DoesNotExist"),
        ])
        #expect(selector.matches(["app": "bp", "region": "eu"]))
        #expect(!selector.matches(["app": "bp", "region": "asia"]))
        #expect(!selector.matches(["app": "bp", "region": "eu", "canary": "1"]))
        #expect(!selector.matches(["region": "eu"]))
        #expect(LabelSelector().matches(["any": "thing"]))
    }

    @Test func unknownOperatorSelectsNothing() {
        let selector = LabelSelector(matchExpressions: [.init(key: "a", operator: "Gt", values: ["1"])])
        #expect(!selector.matches(["a": "2"]))
    }

    @Test func stringFormParses() throws {
        let selector = try LabelSelector.parse("app=bp, tier!=web, env in (prod,staging), managed, !legacy")
        #expect(selector.matches(["app": "bp", "env": "prod", "managed": "yes"]))
        #expect(!selector.matches(["app": "bp", "env": "prod", "managed": "yes", "tier": "web"]))
        #expect(!selector.matches(["app": "bp", "env": "dev", "managed": "yes"]))
        #expect(!selector.matches(["app": "bp", "env": "prod", "managed": "y", "legacy": "1"]))
        #expect(throws: LabelSelector.ParseError.self) { try LabelSelector.parse("a in b") }
    }

    @Test func decodesObjectOrString() throws {
        let object = try JSONDecoder().decode(LabelSelector.self, from: Data(#"{"matchLabels":{"a":"b"}}"#.utf8))
        let string = try JSONDecoder().decode(LabelSelector.self, from: Data(#""a=b""#.utf8))
        #expect(object == string)
    }
}

import Foundation
