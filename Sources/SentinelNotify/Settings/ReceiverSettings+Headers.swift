extension ReceiverSettings {
    /// `Authorization: Bearer <token>` when the receiver has a token.
    var authorizationHeader: [(String, String)] {
        bearerToken.map { [("Authorization", "Bearer \($0)")] } ?? []
    }
}
