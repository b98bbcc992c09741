pub mod badge;
pub mod confirm_dialog;
pub mod create_dialog;
pub mod icon;
pub mod toast;
