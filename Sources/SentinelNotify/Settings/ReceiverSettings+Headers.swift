extension ReceiverSettings {
    /// `Authorization` when the receiver has a token or credentials.
    var authorizationHeader: [(String, String)] {
        authorization.map { [("Authorization", $0)] } ?? []
    }
}
