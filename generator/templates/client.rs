//! The async HTTP client (cargo feature `client`): sends operations with a bearer token.
