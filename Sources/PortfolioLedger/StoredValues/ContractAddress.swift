/// The one stored form of a contract address.
///
/// EVM addresses are hex and case-insensitive; their mixed case (EIP-55) is only a checksum. The
/// same collection written `0x2693…6D55` in one export and `0x2693…6d55` in another must be one
/// collection, so an address of `0x` + 40 hex digits is stored and compared in lowercase. Any
/// other text (another chain's address format) is kept as given.
enum ContractAddress {
    static func canonical(_ address: String) -> String {
        let bytes = Array(address.utf8)
        guard bytes.count == 42, bytes[0] == 48, bytes[1] == 120 || bytes[1] == 88,
              bytes[2...].allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) })
        else { return address }
        return address.lowercased()
    }
}
