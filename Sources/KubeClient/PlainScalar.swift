import ForgeCore

/// Types a plain (unquoted) YAML scalar as YAML 1.1 does for the values a kubeconfig holds,
/// which is also what Yams' default resolver did before libyaml replaced it.
enum PlainScalar {
    static func resolve(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL":
            return .null
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
            return .bool(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
            return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
            return .number(.infinity)
        case "-.inf", "-.Inf", "-.INF":
            return .number(-.infinity)
        case ".nan", ".NaN", ".NAN":
            return .number(.nan)
        default:
            return number(text).map(JSONValue.number) ?? .string(text)
        }
    }

    /// Decimal, `0x` hexadecimal and `0o` octal integers; decimal floats with optional exponent.
    static func number(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return nil }
        let signed = first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
        let body = signed ? Array(bytes.dropFirst()) : bytes
        let negative = first == UInt8(ascii: "-")
        if body.count > 2, body[0] == UInt8(ascii: "0"), body[1] == UInt8(ascii: "x") || body[1] == UInt8(ascii: "o") {
            let radix = body[1] == UInt8(ascii: "x") ? 16 : 8
            guard let magnitude = UInt64(String(decoding: body.dropFirst(2), as: UTF8.self), radix: radix) else { return nil }
            return negative ? -Double(magnitude) : Double(magnitude)
        }
        // [0-9]+ ( . [0-9]* )? | . [0-9]+   then optionally  [eE] [-+]? [0-9]+
        var index = 0
        let digits = { (from: Int) -> Int in
            var end = from
            while end < body.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(body[end]) { end += 1 }
            return end
        }
        let integerEnd = digits(index)
        var mantissaDigits = integerEnd - index
        index = integerEnd
        if index < body.count, body[index] == UInt8(ascii: ".") {
            let fractionEnd = digits(index + 1)
            mantissaDigits += fractionEnd - index - 1
            index = fractionEnd
        }
        guard mantissaDigits > 0 else { return nil }
        if index < body.count, body[index] == UInt8(ascii: "e") || body[index] == UInt8(ascii: "E") {
            var exponentStart = index + 1
            if exponentStart < body.count, body[exponentStart] == UInt8(ascii: "-") || body[exponentStart] == UInt8(ascii: "+") {
                exponentStart += 1
            }
            let exponentEnd = digits(exponentStart)
            guard exponentEnd > exponentStart else { return nil }
            index = exponentEnd
        }
        guard index == body.count else { return nil }
        return Double(text)
    }
}
