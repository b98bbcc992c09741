pub mod account_dialog;
pub mod badge;
pub mod confirm_dialog;
pub mod create_dialog;
pub mod icon;
pub mod remote_key_dialog;
pub mod toast;
