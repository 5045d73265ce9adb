import Testing
@testable import ForgeCore

@Suite struct JSONMergePatchTests {
    @Test func equalValuesGiveNoPatch() {
        let value: JSONValue = .object(["a": .number(1), "b": .object(["c": .bool(true)])])
        #expect(JSONMergePatch.diff(from: value, to: value) == nil)
    }

    @Test func diffSendsOnlyChangesAndNullsRemovals() {
        let old: JSONValue = .object(["a": .number(1), "gone": .string("x"), "n": .object(["k": .number(1), "j": .number(2)])])
        let new: JSONValue = .object(["a": .number(1), "added": .bool(false), "n": .object(["k": .number(3)])])
        let patch = JSONMergePatch.diff(from: old, to: new)
        #expect(patch == .object(["gone": .null, "added": .bool(false), "n": .object(["k": .number(3), "j": .null])]))
        #expect(JSONMergePatch.apply(patch!, to: old) == new)
    }

    @Test func arraysAreReplacedWhole() {
        let old: JSONValue = .object(["l": .array([.number(1), .number(2)])])
        let new: JSONValue = .object(["l": .array([.number(1)])])
        #expect(JSONMergePatch.diff(from: old, to: new) == .object(["l": .array([.number(1)])]))
    }

    @Test func fromNothingIsTheWholeObject() {
        let new: JSONValue = .object(["a": .number(1)])
        #expect(JSONMergePatch.diff(from: nil, to: new) == new)
    }
}
