//! What every screen may use from the shell, handed down as a Yew context.

use crate::components::toast::Toast;
use keyden_protocol::Settings;
use yew::prelude::*;

/// Shared by every screen: the settings in force and a way to say something briefly.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub settings: Settings,
    pub set_settings: Callback<Settings>,
    pub toast: Callback<Toast>,
}
