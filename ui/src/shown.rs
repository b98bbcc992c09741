//! Text from outside (titles, a server's or a token's words, hints quoting them) as the screens show
//! it: the same rule as the CLI's terminal output, so a bidi override or a zero-width space in a title
//! shows as an escape instead of reordering or hiding what the user reads.

pub fn shown(s: &str) -> String {
    keyden_protocol::text::escape(s).into_owned()
}
