// Between the domain's enums and the contract's enums of the same raw values.

extension RawRepresentable where RawValue == String {
    /// This value as the other side's enum of the same raw value: a domain value as the contract's, or a request's
    /// value as the domain's. A value the other side lacks is a fault of this build (500), never a silent stand-in.
    /// `ContractEnumTests` walks every pair the handlers convert, both ways, so a case added to one side only fails
    /// the tests rather than a request.
    func bridged<Other: RawRepresentable>(_: Other.Type = Other.self) throws(APIError) -> Other
    where Other.RawValue == String {
        guard let other = Other(rawValue: rawValue) else { throw APIError.internalError }
        return other
    }
}
